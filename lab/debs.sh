# lab/debs.sh: choosing and fetching Debian packages into a cache of
# .deb files, for lab/fetch-debs.sh (the lab) and
# guest-agent/kmod/fetch-headers.sh (the guest kernel's headers).
# shellcheck shell=bash
#
# Needs log, die and loud (lab/common.sh). debs_init DIR first: DIR is
# the cache, a .deb already there is never fetched again.
#
# The fallback every package follows (choose): its pin when it is cached
# or offered, the package lists refreshed once before giving up on it;
# otherwise the newest version of its series, logged loudly. The kernel's
# packages are chosen as a set that keeps one ABI (choose_kernel_set).
# The pins are in lab/pins.sh; what was used goes to build/lab/versions.txt
# (versions_record).

# debs_init DIR: DIR is the cache. Sets an EXIT trap.
debs_init() {
	DEB_CACHE=$1
	mkdir -p "$DEB_CACHE"
	# Once per run; the choices run in subshells, so a file remembers it.
	apt_flag=$DEB_CACHE/.apt-updated.$$
	trap 'rm -f "$apt_flag"' EXIT
}

apt_update_once() {
	[ -e "$apt_flag" ] && return 0
	: >"$apt_flag"
	[ -z "${XFO_DEBS_OFFERED:-}" ] || return 0
	log "refreshing the package lists (apt-get update)"
	apt-get update -qq >&2 || die "apt-get update failed: the package mirror is not reachable"
}

# apt's file name for a version: the epoch colon is written %3a.
deb_glob() { printf '%s_%s_*.deb' "$1" "${2//:/%3a}"; }

# cached_deb NAME VERSION: the cached .deb's path, or status 1.
cached_deb() {
	local f
	for f in "$DEB_CACHE"/$(deb_glob "$1" "$2"); do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# What the archive offers. XFO_DEBS_OFFERED names a file of "package
# version" lines to use instead of apt: tests/suites/debs-chooser.sh runs
# the choices below against fabricated archives that way.
offered_versions() {
	if [ -n "${XFO_DEBS_OFFERED:-}" ]; then
		awk -v p="$1" '$1 == p { print $2 }' "$XFO_DEBS_OFFERED"
	else
		apt-cache madison "$1" 2>/dev/null |
			awk -F'|' '$3 !~ /Sources/ { gsub(/ /, "", $2); print $2 }'
	fi | sort -u | sort -rV
}

# Versions of source package NAME the archive offers (deb-src), newest
# first; "src:NAME version" lines under XFO_DEBS_OFFERED.
offered_source_versions() {
	if [ -n "${XFO_DEBS_OFFERED:-}" ]; then
		awk -v p="src:$1" '$1 == p { print $2 }' "$XFO_DEBS_OFFERED"
	else
		apt-cache showsrc "$1" 2>/dev/null |
			awk -v p="$1" '/^Package: / { ok = ($2 == p) } ok && /^Version: / { print $2 }'
	fi | sort -u | sort -rV
}

# Package names offered that start with PREFIX.
offered_names() {
	if [ -n "${XFO_DEBS_OFFERED:-}" ]; then
		awk -v p="$1" 'index($1, p) == 1 { print $1 }' "$XFO_DEBS_OFFERED" | sort -u
	else
		apt-cache pkgnames "$1" 2>/dev/null | sort -u
	fi
}

# Versions are compared the way dpkg does, not as text.
newest_of() {
	local best="" v
	while read -r v; do
		[ -z "$v" ] && continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	echo "$best"
}

# One line for an error: what the archive offers of NAME.
offered_list() {
	local l
	l=$(offered_versions "$1" | tr '\n' ' ')
	l=${l% }
	echo "${l:-nothing}"
}

# choose NAME PIN SERIES...: echoes "name version" for one package: PIN
# when it is cached or offered; else the newest version offered that
# matches the first SERIES (a regex on the version, or "any") that any
# offered version matches. A fallback is logged loudly, naming the pin
# and what was offered; when nothing fits, the error names both.
choose() {
	local name=$1 pin=$2 series v=""
	shift 2
	if cached_deb "$name" "$pin" >/dev/null; then
		echo "$name $pin"; return
	fi
	# The pin may be missing only because the lists are stale.
	offered_versions "$name" | grep -qxF -- "$pin" || apt_update_once
	if offered_versions "$name" | grep -qxF -- "$pin"; then
		echo "$name $pin"; return
	fi
	for series in "$@"; do
		if [ "$series" = any ]; then
			v=$(offered_versions "$name" | newest_of)
		else
			v=$(offered_versions "$name" | grep -E -- "$series" | newest_of || true)
		fi
		[ -n "$v" ] && break
	done
	[ -n "$v" ] ||
		die "no version of $name fits: pinned $pin, series $*; the archive offers: $(offered_list "$name")"
	if [ "$pin" = none ]; then
		loud "FALLBACK $name: no pin applies; USING $v" \
			"(offered: $(offered_list "$name"))"
	else
		loud "FALLBACK $name: pinned $pin is not offered; USING $v" \
			"(offered: $(offered_list "$name"))"
	fi
	echo "$name $v"
}

# The upstream part of a Debian version: 6.1.192-2 -> 6.1.192.
upstream_of() { local v=${1#*:}; echo "${v%-*}"; }
# A version as a regex matching itself literally.
literal_re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# kernel_abi_offered ABI: both the image and the headers of ABI are
# cached or offered (an image/headers pair always keeps one ABI).
kernel_abi_offered() {
	local kind
	for kind in image headers; do
		compgen -G "$DEB_CACHE/linux-$kind-$1-amd64_*.deb" >/dev/null && continue
		[ -n "$(offered_versions "linux-$kind-$1-amd64")" ] || return 1
	done
}

# choose_kernel_set ABI VERSION KBUILD_VERSION: echoes four "name version"
# lines: linux-image-<abi>-amd64, linux-headers-<abi>-amd64,
# linux-headers-<abi>-common and linux-kbuild-6.1. ABI is kept when both
# its image and its headers are offered, else the newest 6.1.0-N ABI
# offering both is taken. Within the ABI each package is chosen on its
# own (pinned to VERSION, the headers to the image's version, -common to
# the headers'); linux-kbuild-6.1 follows its own revision: its pin, else
# the newest of the headers' upstream version, else the newest 6.1. A
# kbuild pin of another upstream version than the headers' does not apply.
choose_kernel_set() {
	local abi=$1 version=$2 kbuild_pin=$3 a image headers common kbuild up
	kernel_abi_offered "$abi" || apt_update_once
	if ! kernel_abi_offered "$abi"; then
		a=$(offered_names linux-image-6.1.0- |
			sed -n 's/^linux-image-\(6\.1\.0-[0-9][0-9]*\)-amd64$/\1/p' |
			sort -rV | while read -r a; do
				kernel_abi_offered "$a" && { echo "$a"; break; }
			done)
		[ -n "$a" ] ||
			die "no 6.1.0-N kernel ABI offers both linux-image and linux-headers" \
			    "(pinned $abi; images offered: $(offered_names linux-image-6.1.0- | tr '\n' ' '))"
		loud "FALLBACK kernel ABI: pinned $abi has no image and headers offered; USING ABI $a" \
			"(the guest module is built for the kernel of ABI $a)"
		abi=$a version=none
	fi
	image=$(choose "linux-image-$abi-amd64" "$version" any) || return 1
	headers=$(choose "linux-headers-$abi-amd64" "${image#* }" any) || return 1
	common=$(choose "linux-headers-$abi-common" "${headers#* }" any) || return 1
	up=$(upstream_of "${headers#* }")
	[ "$(upstream_of "$kbuild_pin")" = "$up" ] || kbuild_pin=none
	up=$(literal_re "$up")
	kbuild=$(choose linux-kbuild-6.1 "$kbuild_pin" "^$up-" '^6\.1\.') || return 1
	printf '%s\n' "$image" "$headers" "$common" "$kbuild"
}

# versions_record FILE LINE...: replace FILE's lines for the packages
# named in LINEs ("name version ...") and keep the others; by rename, so
# a reader never sees half a file.
versions_record() {
	local file=$1 line names=""
	shift
	for line in "$@"; do names="$names ${line%% *}"; done
	mkdir -p "$(dirname "$file")"
	{
		[ -f "$file" ] && awk -v n="$names" \
			'BEGIN { split(n, a, " "); for (i in a) drop[a[i]] = 1 }
			 !($1 in drop)' "$file"
		printf '%s\n' "$@"
	} >"$file.tmp.$$"
	mv "$file.tmp.$$" "$file"
}

# fetch_deb NAME VERSION: the path of NAME's .deb at VERSION in the cache,
# downloaded first when it is not there.
fetch_deb() {
	local name=$1 version=$2 f tmp
	if f=$(cached_deb "$name" "$version"); then
		echo "$f"; return
	fi
	tmp=$(mktemp -d "$DEB_CACHE/.dl.XXXXXX")
	log "downloading $name=$version"
	if ! (cd "$tmp" && apt-get download -qq "$name=$version" >/dev/null 2>"$tmp/.err"); then
		apt_update_once
		(cd "$tmp" && apt-get download -qq "$name=$version" >/dev/null 2>"$tmp/.err") || {
			cat "$tmp/.err" >&2
			rm -rf "$tmp"
			die "apt-get download $name=$version failed"
		}
	fi
	for f in "$tmp"/*.deb; do
		[ -f "$f" ] || die "apt-get download $name=$version wrote no .deb"
		mv "$f" "$DEB_CACHE/"
	done
	rm -rf "$tmp"
	cached_deb "$name" "$version" || die "downloaded $name=$version but cannot find its .deb"
}
