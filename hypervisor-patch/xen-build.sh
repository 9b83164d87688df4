#!/usr/bin/env bash
# Builds Xen 4.17 with xfo from Debian's source package, and writes the
# patches for other trees. `make xen` and `make xen-patch` call this
# script; docs/hypervisor.md explains the result.
#
# xfo's side of Xen is in hypervisor-patch/: the files it adds, as sources
# in Xen's layout under xen/, and the hunks in stock Xen files as patches
# in stock/; hypervisor-patch/series names them step by step
# (xfo-series.py reads it).
#
#   xen-build.sh fetch        get the source package into $SRC ($B/src)
#   xen-build.sh build        fetch, unpack, apply the stock patches, sync
#                             the sources and core, configure, build;
#                             results in $B/xen, $B/xen.gz
#   xen-build.sh patch [OUT]  write OUT ($B/xfo-xen-4.17.patch): everything
#                             (stock hunks, sources, core/, include/xfo.h)
#                             as one patch -p1
#   xen-build.sh series [DIR] write DIR ($B/series): the steps of
#                             hypervisor-patch/series as git format-patch
#                             patches against the upstream orig tarball
#   xen-build.sh unpack DIR [debian|orig]
#                             a fresh pristine tree in DIR: the Debian
#                             source with Debian's patches (default) or
#                             the upstream orig tarball alone
#   xen-build.sh apply-series DIR
#                             apply the stock patches to the tree in DIR,
#                             naming the patch that does not apply
#   xen-build.sh sync-core DIR
#                             copy the sources, core/ and include/xfo.h
#                             into the tree
#   xen-build.sh configure DIR / compile DIR
#                             defconfig + CONFIG_XFO=y; build the hypervisor
#   xen-build.sh devtree DIR  a git tree of the orig tarball with the series
#                             as commits, to read, bisect or build
#
# Environment:
#   XFO_XEN_VERSION  the Debian version of source package xen to use
#                    (default below: the one the lab was tested with). When
#                    it cannot be fetched, the newest 4.17.x the archive
#                    offers is used instead, and the log says so loudly.
#   XFO_XEN_CONFIG   extra Kconfig settings, e.g. "CONFIG_DEBUG=y"
#   XFO_XEN_BUILD    the build directory (default build/xen)
#   XFO_XEN_SRC      where the source package is kept (default
#                    $XFO_XEN_BUILD/src); builds of other configurations
#                    share build/xen's rather than fetch it again
#   JOBS             parallel jobs (default: number of CPUs)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

# The pin, in lab/pins.sh with the others; versions_record (lab/debs.sh)
# writes the source used to build/lab/versions.txt.
. "$top/lab/pins.sh"
. "$top/lab/debs.sh"
PIN_VERSION=$LAB_XEN_VERSION_PIN
SERIES_SERIES=4.17
want=${XFO_XEN_VERSION:-$PIN_VERSION}
B=$(realpath -m "${XFO_XEN_BUILD:-build/xen}")
SRC=$(realpath -m "${XFO_XEN_SRC:-$B/src}")
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
extra_config=${XFO_XEN_CONFIG:-}

# Files the build copies into the Xen tree: the one source of truth stays
# in core/ and include/ (`xfo-series.py imports` lists where each goes).
CORE_DEST=xen/common/xfo/core
series_tool=$here/xfo-series.py
AUTHOR="xfo <xfo@localhost>"

msg() { echo "xen-build: $*"; }
die() { echo "xen-build: error: $*" >&2; exit 1; }
loud() {
	{
		echo "xen-build: ****************************************************"
		for l in "$@"; do echo "xen-build: **** $l"; done
		echo "xen-build: ****************************************************"
	} >&2
}

# Make variables of the calling make must not leak into Xen's own build
# (O= in particular selects an out-of-tree build there).
xen_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u O \
	    -u CFLAGS -u LDFLAGS -u CPPFLAGS -u SAN \
	    DEB_VERSION="$(cat "$SRC/version" 2>/dev/null || echo unknown)+xfo" \
	    DEB_MAINTAINER="xfo <xfo@localhost>" \
	    make "$@"
}

noepoch() { echo "${1#*:}"; }

# ---------------------------------------------------------------------------
# fetch: the source package, pinned, with a loud fallback.
# ---------------------------------------------------------------------------
have_dsc() {
	local v=$1 dsc
	dsc="$SRC/xen_$(noepoch "$v").dsc"
	[ -f "$dsc" ] || return 1
	# Every file the .dsc names must be there too.
	awk '/^Files:/{f=1;next} /^[^ ]/{f=0} f && NF==3 {print $3}' "$dsc" |
		while read -r f; do [ -f "$SRC/$f" ] || exit 1; done
}

download() {
	local v=$1
	msg "fetching source package xen=$v"
	(cd "$SRC" && apt-get source --download-only -q "xen=$v") \
		>"$SRC/fetch.log" 2>&1 || {
		sed 's/^/xen-build:   /' "$SRC/fetch.log" | grep -E '^(E|W):' |
			head -n 5 >&2 || true
		return 1
	}
	have_dsc "$v"
}

fetch_source() {
	local v fell_back=0
	mkdir -p "$SRC"
	if have_dsc "$want"; then
		echo "$want" >"$SRC/version"
		msg "using xen source $want (already fetched)"
		return
	fi
	# A fallback fetched earlier is reused without going to the network
	# again, but is announced as loudly as the first time.
	if [ -f "$SRC/version" ] && [ "$(cat "$SRC/version")" != "$want" ] &&
	   have_dsc "$(cat "$SRC/version")" && [ -f "$SRC/fallback" ]; then
		v=$(cat "$SRC/version")
		loud "xen $want could not be fetched earlier;" \
		     "USING FALLBACK xen $v (remove $SRC to retry the pin)"
		return
	fi
	if ! command -v apt-get >/dev/null || ! command -v dpkg-source >/dev/null
	then
		die "apt-get and dpkg-source are needed (scripts/deps.sh installs dpkg-dev)"
	fi
	if download "$want"; then
		echo "$want" >"$SRC/version"
		rm -f "$SRC/fallback"
		msg "using xen source $want"
		return
	fi
	loud "xen source $want CANNOT BE FETCHED;" \
	     "falling back to the newest xen $SERIES_SERIES.x the archive offers"
	local candidates
	candidates=$(offered_source_versions xen | grep -E "$LAB_XEN_SERIES") || true
	[ -n "$candidates" ] || die "apt knows no xen $SERIES_SERIES.x source" \
		"package: is there a deb-src entry? (scripts/deps.sh adds one)"
	for v in $candidates; do
		[ "$v" = "$want" ] && continue
		if download "$v"; then
			fell_back=1
			break
		fi
		msg "xen=$v cannot be fetched either"
	done
	[ $fell_back -eq 1 ] || die "no xen $SERIES_SERIES.x source package could be fetched"
	echo "$v" >"$SRC/version"
	echo "$want" >"$SRC/fallback"
	loud "USING FALLBACK xen $v instead of the pinned $want"
}

# fetch: the source, and a line "xen-source VERSION" in the lab's record
# of the versions used.
fetch() {
	fetch_source
	versions_record "$top/build/lab/versions.txt" "xen-source $(src_version)"
}

src_version() { cat "$SRC/version"; }
dsc_file() { echo "$SRC/xen_$(noepoch "$(src_version)").dsc"; }

# ---------------------------------------------------------------------------
# unpack DIR [debian|orig]
# ---------------------------------------------------------------------------
unpack() {
	local dir=$1 kind=${2:-debian} orig
	[ -f "$SRC/version" ] || fetch
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$(dirname "$dir")"
	case "$kind" in
	debian)
		dpkg-source --no-check -x "$(dsc_file)" "$dir.tmp" \
			>"$dir.unpack.log" 2>&1 ||
			{ cat "$dir.unpack.log" >&2; die "dpkg-source -x failed"; }
		;;
	orig)
		orig=$(awk '/^Files:/{f=1;next} /^[^ ]/{f=0} f && $3 ~ /orig\.tar/ {print $3}' \
			"$(dsc_file)")
		[ -n "$orig" ] || die "no orig tarball in $(dsc_file)"
		mkdir -p "$dir.tmp"
		tar -xf "$SRC/$orig" -C "$dir.tmp" --strip-components=1
		;;
	*) die "unpack: unknown kind $kind" ;;
	esac
	echo "$(src_version) $kind" >"$dir.tmp/.xfo-source"
	mv "$dir.tmp" "$dir"
	rm -f "$dir.unpack.log"
}

# ---------------------------------------------------------------------------
# The stock patches, in the order of hypervisor-patch/series. They are
# applied one by one, each first with --dry-run, so a failure names the
# patch and leaves the tree with the earlier ones applied and recorded in
# DIR/.xfo-applied (to be reversed later).
# ---------------------------------------------------------------------------
series_list() {
	"$series_tool" stock
}

# Files a patch touches, relative to the top of the tree.
patch_files() {
	sed -n -e 's|^+++ b/\([^[:space:]]*\).*|\1|p' \
	       -e 's|^--- a/\([^[:space:]]*\).*|\1|p' "$@" | sort -u
}

apply_one() {
	local dir=$1 p=$2 out
	if ! out=$(cd "$dir" && patch -p1 --dry-run --batch --forward \
			--no-backup-if-mismatch <"$here/stock/$p" 2>&1); then
		while IFS= read -r l; do echo "xen-build:   $l"; done <<<"$out" >&2
		die "patch $p does not apply to $(cat "$dir/.xfo-source" 2>/dev/null || echo "$dir")"
	fi
	(cd "$dir" && patch -p1 -s --batch --forward --no-backup-if-mismatch \
		<"$here/stock/$p") || die "patch $p failed after a clean dry run"
	mkdir -p "$dir/.xfo-applied"
	cp "$here/stock/$p" "$dir/.xfo-applied/"
	echo "$p" >>"$dir/.xfo-applied/series"
}

apply_series() {
	local dir=$1 p
	[ -d "$dir" ] || die "no tree at $dir"
	[ ! -s "$dir/.xfo-applied/series" ] || die "$dir already has a series applied"
	for p in $(series_list); do
		[ -f "$here/stock/$p" ] || die "series names $p, which is not in $here"
		apply_one "$dir" "$p"
		msg "applied $p"
	done
}

# Is the tree's applied series the current one?
series_current() {
	local dir=$1 p
	[ -f "$dir/.xfo-applied/series" ] || return 1
	[ "$(cat "$dir/.xfo-applied/series")" = "$(series_list)" ] || return 1
	for p in $(series_list); do
		cmp -s "$here/stock/$p" "$dir/.xfo-applied/$p" || return 1
	done
}

# Bring the build tree's series up to date without touching files whose
# content does not change, so make rebuilds only what a changed patch
# changed: reverse the old series, apply the new one, then give unchanged
# files their old timestamps back. If the old series does not reverse
# cleanly, start from a fresh unpack.
refresh_series() {
	local dir=$1 snap files f p
	series_current "$dir" && return 0
	if [ ! -f "$dir/.xfo-applied/series" ]; then
		apply_series "$dir"
		return
	fi
	msg "the series changed: re-applying it"
	snap=$(mktemp -d)
	files=$( (patch_files "$dir"/.xfo-applied/*.patch; \
		  for p in $(series_list); do patch_files "$here/stock/$p"; done) | sort -u)
	for f in $files; do
		if [ -f "$dir/$f" ]; then
			mkdir -p "$snap/$(dirname "$f")"
			cp -p "$dir/$f" "$snap/$f"
		fi
	done
	for p in $(tac "$dir/.xfo-applied/series"); do
		if ! (cd "$dir" && patch -R -p1 -s --batch --no-backup-if-mismatch \
				<"$dir/.xfo-applied/$p") >/dev/null 2>&1; then
			msg "old $p does not reverse cleanly: unpacking afresh"
			rm -rf "$snap"
			unpack "$dir" debian
			apply_series "$dir"
			return
		fi
	done
	rm -rf "$dir/.xfo-applied"
	apply_series "$dir"
	for f in $files; do
		if [ -f "$snap/$f" ] && [ -f "$dir/$f" ] && cmp -s "$snap/$f" "$dir/$f"
		then
			touch -r "$snap/$f" "$dir/$f"
		fi
	done
	rm -rf "$snap"
}

# ---------------------------------------------------------------------------
# sync-core DIR: the sources of hypervisor-patch/xen/ (markers removed),
# core/*.[ch] to xen/common/xfo/core/, include/xfo.h and
# include/io/xfo_areas.h to xen/include/public/ (xfo-series.py imports);
# only files whose content differs are copied, so make sees only real
# changes. Stale files in xfo's directories go.
# ---------------------------------------------------------------------------
sync_file() {
	if ! cmp -s "$1" "$2"; then
		cp "$1" "$2"
		msg "copied $1 -> ${2#"$3"/}"
	fi
}

# copy_imports DIR: the files the series imports from xfo's tree to their
# places under DIR (`xfo-series.py imports`), each only when it differs.
copy_imports() {
	local dir=$1 f rel imports
	imports=$("$series_tool" imports) || die "hypervisor-patch/series is not consistent"
	while read -r f rel; do
		mkdir -p "$(dirname "$dir/$rel")"
		sync_file "$f" "$dir/$rel" "$dir"
	done <<<"$imports"
}

sync_core() {
	local dir=$1 f rel sources
	[ -f "$dir/.xfo-applied/series" ] ||
		die "$dir has no stock patches applied (apply-series first)"
	"$series_tool" files "$dir" | sed 's/^/xen-build: synced /' ||
		die "could not copy hypervisor-patch/xen/ into $dir"
	# (a list, not a pipe into grep -q: under pipefail a grep that stops
	# reading early fails the pipe)
	sources=$("$series_tool" list) || die "hypervisor-patch/series is not consistent"
	for f in "$dir"/xen/common/xfo/*.[ch] "$dir"/xen/common/xfo/Makefile; do
		[ -e "$f" ] || continue
		rel=${f#"$dir"/}
		if ! grep -qxF "$rel" <<<"$sources"; then
			rm -f "$f" "${f%.c}.o"
			msg "removed stale $rel"
		fi
	done
	copy_imports "$dir"
	for f in "$dir/$CORE_DEST"/*.c "$dir/$CORE_DEST"/*.h; do
		[ -e "$f" ] || continue
		if [ ! -e "core/$(basename "$f")" ]; then
			rm -f "$f" "${f%.c}.o"
			msg "removed stale ${f#"$dir"/}"
		fi
	done
}

# ---------------------------------------------------------------------------
# configure DIR: defconfig, CONFIG_XFO=y and $XFO_XEN_CONFIG, redone only
# when the wanted settings or a Kconfig file changed (a redone .config
# rebuilds everything).
# ---------------------------------------------------------------------------
set_config() {
	local cfg=$1 kv=$2 key=${2%%=*}
	sed -i -e "/^$key=/d" -e "/^# $key is not set/d" "$cfg"
	echo "$kv" >>"$cfg"
}

configure() {
	local dir=$1 stamp want_cfg kv
	stamp="$dir/xen/.xfo-config-stamp"
	[ -f "$dir/xen/common/Kconfig" ] || die "no Xen tree at $dir"
	want_cfg="CONFIG_XFO=y $extra_config|$(cat "$dir"/xen/common/Kconfig \
		"$dir"/xen/arch/x86/Kconfig | sha256sum | cut -d' ' -f1)"
	if [ -f "$dir/xen/.config" ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$want_cfg" ]; then
		return 0
	fi
	msg "configuring: defconfig, CONFIG_XFO=y${extra_config:+, $extra_config}"
	xen_make -s -C "$dir/xen" defconfig >/dev/null
	for kv in CONFIG_XFO=y $extra_config; do
		set_config "$dir/xen/.config" "$kv"
	done
	xen_make -s -C "$dir/xen" olddefconfig >/dev/null
	for kv in CONFIG_XFO=y $extra_config; do
		grep -qx -- "$kv" "$dir/xen/.config" ||
			die "$kv did not stick in $dir/xen/.config (a dependency missing?)"
	done
	echo "$want_cfg" >"$stamp"
}

compile() {
	local dir=$1 start=$SECONDS
	msg "building the hypervisor in $dir/xen with $JOBS jobs"
	if ! xen_make -C "$dir/xen" -j"$JOBS" >"$dir/build.log" 2>&1; then
		grep -E -B2 -A6 'error|Error' "$dir/build.log" | head -n 60 >&2
		die "hypervisor build failed (log: $dir/build.log)"
	fi
	[ -f "$dir/xen/xen" ] || die "no $dir/xen/xen after the build"
	msg "built $dir/xen/xen in $((SECONDS - start)) s"
}

install_file() {
	cp "$1" "$2.tmp"
	mv -f "$2.tmp" "$2"
}

build() {
	local tree="$B/tree" v
	fetch
	v=$(src_version)
	if [ ! -f "$tree/.xfo-source" ] ||
	   [ "$(cat "$tree/.xfo-source")" != "$v debian" ]; then
		msg "unpacking xen $v into $tree"
		unpack "$tree" debian
	fi
	refresh_series "$tree"
	sync_core "$tree"
	configure "$tree"
	compile "$tree"
	# Copied only when the hypervisor changed, and replaced by rename, so
	# a QEMU starting meanwhile reads the old file or the new one, whole.
	if ! cmp -s "$tree/xen/xen" "$B/xen"; then
		install_file "$tree/xen/xen-syms" "$B/xen-syms"
		install_file "$tree/xen/.config" "$B/xen.config"
		gzip -9n -c "$tree/xen/xen" >"$B/xen.gz.tmp"
		mv -f "$B/xen.gz.tmp" "$B/xen.gz"
		install_file "$tree/xen/xen" "$B/xen"
	fi
	msg "xen source: $v$( [ -f "$SRC/fallback" ] && echo " (FALLBACK for $(cat "$SRC/fallback"))")"
	msg "CONFIG_XFO: $(grep -E '^CONFIG_XFO=' "$B/xen.config" || echo missing)"
	msg "$B/xen: $(file -b "$B/xen" 2>/dev/null | cut -d, -f1-2)"
	msg "$B/xen.gz: $(stat -c %s "$B/xen.gz") bytes"
}

# ---------------------------------------------------------------------------
# patch [OUT]: one patch -p1 against a pristine 4.17 tree, made by diffing
# the pristine versions of the files the stock patches touch against the
# same files with the stock patches applied, plus the sources, core/ and
# include/xfo.h added.
# ---------------------------------------------------------------------------
pristine_orig() {
	fetch
	pristine="$B/pristine"
	if [ ! -f "$pristine/.xfo-source" ] ||
	   [ "$(cat "$pristine/.xfo-source")" != "$(src_version) orig" ]; then
		unpack "$pristine" orig
	fi
}

single_patch() {
	local out=${1:-$B/xfo-xen-4.17.patch} work pristine files f p
	"$series_tool" check || die "hypervisor-patch/series is not consistent"
	pristine_orig
	work=$(mktemp -d)
	files=$(for p in $(series_list); do patch_files "$here/stock/$p"; done | sort -u)
	mkdir -p "$work/a" "$work/b"
	for f in $files; do
		if [ -f "$pristine/$f" ]; then
			mkdir -p "$work/a/$(dirname "$f")" "$work/b/$(dirname "$f")"
			cp "$pristine/$f" "$work/a/$f"
			cp "$pristine/$f" "$work/b/$f"
		fi
	done
	cp "$pristine/.xfo-source" "$work/b/.xfo-source"
	apply_series "$work/b" >/dev/null
	rm -rf "$work/b/.xfo-applied" "$work/b/.xfo-source"
	"$series_tool" files "$work/b" >/dev/null
	copy_imports "$work/b" >/dev/null
	mkdir -p "$(dirname "$out")"
	{
		echo "xfo: eBPF page-fault offload for Xen PV, as one patch against"
		echo "Xen $SERIES_SERIES (made from Debian source xen $(src_version))."
		echo
		echo "Apply at the top of a Xen 4.17 source tree with:"
		echo "    patch -p1 < $(basename "$out")"
		echo "then enable CONFIG_XFO=y (docs/hypervisor.md in the xfo tree)."
		echo
		echo "Contents: the stock-file patches in xfo's hypervisor-patch/stock/,"
		series_list | sed 's/^/    /'
		echo "the sources in xfo's hypervisor-patch/xen/ at the same paths,"
		echo "and the files of xfo's tree it imports:"
		"$series_tool" imports | sed 's/^\([^ ]*\) /    \1 as /'
		echo
		(cd "$work" && diff -Nru a b) |
			sed -E 's/^((---|\+\+\+) [^\t]*)\t.*/\1/' || true
	} >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$work"
	msg "wrote $out ($(grep -c '^+++ ' "$out") files)"
}

# ---------------------------------------------------------------------------
# devtree DIR: the orig tarball as a git tree (tag xfo-base) with one
# commit per step of hypervisor-patch/series. series [DIR]: those commits
# as git format-patch patches in DIR, the old ones removed first.
# ---------------------------------------------------------------------------
devtree() {
	local dir=$1
	"$series_tool" check || die "hypervisor-patch/series is not consistent"
	pristine_orig
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	cp -a "$pristine" "$dir"
	rm -f "$dir/.xfo-source"
	(
		cd "$dir"
		git init -q
		git add -A -f . >/dev/null
		git -c user.name="${AUTHOR% <*}" -c user.email=xfo@localhost \
			-c commit.gpgsign=false commit -q --no-verify \
			-m "xen $(src_version), orig tarball" ||
			die "git commit of the pristine tree in $dir failed"
		git tag xfo-base
	)
	"$series_tool" commit "$dir" || die "committing the series in $dir failed"
	msg "dev tree at $dir: $(git -C "$dir" rev-list --count xfo-base..HEAD) commits on xfo-base"
}

series_patches() {
	local out=${1:-$B/series} tree="$B/series-tree" n
	devtree "$tree" >/dev/null
	rm -rf "$out"
	mkdir -p "$out"
	git -C "$tree" format-patch -q --zero-commit --no-signature \
		-o "$out" xfo-base..HEAD || die "git format-patch failed"
	n=$(find "$out" -name '[0-9]*.patch' | wc -l)
	msg "wrote $n patches to $out"
}

cmd=${1:-build}
shift || true

# One xen-build at a time per build directory: `make test` may run while
# someone else runs `make xen`.
mkdir -p "$B"
exec 9>"$B/.lock"
if ! flock -n 9; then
	msg "waiting for another xen-build using $B"
	flock 9
fi
case "$cmd" in
fetch) fetch ;;
build) build ;;
patch) single_patch "$@" ;;
series) series_patches "$@" ;;
unpack) fetch; unpack "$@" ;;
apply-series) apply_series "$1" ;;
sync-core) sync_core "$1" ;;
configure) configure "$1" ;;
compile) compile "$1" ;;
devtree) devtree "$1" ;;
*) die "unknown command $cmd (fetch, build, patch, series, unpack," \
       "apply-series, sync-core, configure, compile, devtree)" ;;
esac
