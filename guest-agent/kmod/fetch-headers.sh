#!/usr/bin/env bash
# guest-agent/kmod/fetch-headers.sh: fetch Debian's kernel headers for the
# lab's guest kernel and unpack them into build/guest/headers, ready for
# `make -C <dir> M=...` without installing anything on the host.
#
# Which kernel: the one the lab uses. When build/lab/versions.txt exists
# (lab/fetch-debs.sh ran), its "kernel-release" and linux-image version
# are taken exactly, so the module matches the kernel the domU boots.
# Otherwise the lab's pin is used (LAB_KERNEL_ABI_PIN, default 6.1.0-56,
# version 6.1.192-2); when the mirror no longer offers it, the newest
# 6.1.0-N-amd64 headers it offers, with a banner in the log (the lab's
# own fallback, lab/debs.sh).
#
# Three packages: linux-headers-<abi>-amd64 (the config and generated
# headers), linux-headers-<abi>-common (the source headers) and
# linux-kbuild-6.1 (fixdep, modpost: the host tools kbuild runs). The
# -amd64 package's Makefile includes the -common tree by an absolute
# path, /usr/src/linux-headers-<abi>-common; it is rewritten to the
# unpacked copy, and the scripts/tools symlinks into /usr/lib/linux-kbuild
# are pointed at the unpacked kbuild package.
#
# Prints the headers directory (build/guest/headers/usr/src/linux-headers-
# <abi>-amd64) on stdout; everything else goes to stderr.
# Usage: guest-agent/kmod/fetch-headers.sh [--offline]
#   --offline  use what is already unpacked or cached; never ask apt
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/lab/common.sh"
. "$root/lab/debs.sh"
lab_name=guest-headers		# the prefix of log, die and loud
out=${XFO_GUEST_OUT:-$root/build/guest}
debs=$out/debs
lab_versions=$root/build/lab/versions.txt
abi_pin=${LAB_KERNEL_ABI_PIN:-6.1.0-56}
version_pin=${XFO_GUEST_KERNEL_VERSION_PIN:-6.1.192-2}
offline=0
[ "${1:-}" = --offline ] && offline=1

debs_init "$debs"

# --- which ABI and version ------------------------------------------------
abi="" version="" why=""
if [ -f "$lab_versions" ]; then
	kr=$(awk '$1 == "kernel-release" { print $2 }' "$lab_versions")
	abi=${kr%-amd64}
	version=$(awk -v p="linux-image-$kr" '$1 == p { print $2 }' "$lab_versions")
	[ -n "$abi" ] && [ -n "$version" ] && why="the lab's kernel (${lab_versions#$root/})"
fi
if [ -z "$why" ]; then
	abi=$abi_pin version=$version_pin why="the lab's pin"
fi

# An unpacked tree from an earlier run for exactly this choice: done.
hdr=$out/headers/usr/src/linux-headers-$abi-amd64
stamp=$out/headers/.xfo-headers
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$abi $version" ] && [ -f "$hdr/Makefile" ]; then
	echo "$hdr"
	exit 0
fi

if [ $offline -eq 0 ]; then
	line=$(choose_kernel headers "$abi" "$version") ||
		die "no linux-headers-6.1.0-N-amd64 is offered by the package mirror"
	if [ "$line" != "linux-headers-$abi-amd64 $version" ]; then
		old="linux-headers-$abi-amd64 $version"
		read -r name version <<<"$line"
		abi=${name#linux-headers-}
		abi=${abi%-amd64}
		loud "PINNED GUEST KERNEL HEADERS NOT AVAILABLE" \
			"$old ($why) is gone; using linux-headers-$abi-amd64 $version" \
			"the module will only load into a $abi-amd64 kernel"
		hdr=$out/headers/usr/src/linux-headers-$abi-amd64
	fi
fi
log "guest kernel headers: linux-headers-$abi-amd64 $version ($why)"

# --- fetch and unpack --------------------------------------------------------
files=()
for p in "linux-headers-$abi-amd64" "linux-headers-$abi-common" linux-kbuild-6.1; do
	[ $offline -eq 0 ] || cached_deb "$p" "$version" >/dev/null ||
		die "$p=$version is not cached in ${debs#$root/} (--offline)"
	files+=("$(fetch "$p" "$version")")
done
rm -rf "$out/headers"
mkdir -p "$out/headers"
for f in "${files[@]}"; do
	dpkg -x "$f" "$out/headers" || die "dpkg -x $f failed"
done
[ -f "$hdr/Makefile" ] || die "linux-headers-$abi-amd64 has no ${hdr#$out/headers}/Makefile"

# The Makefile names the -common tree by its installed path.
common=$out/headers/usr/src/linux-headers-$abi-common
[ -d "$common" ] || die "linux-headers-$abi-common did not unpack to $common"
sed -i "s|/usr/src/linux-headers-$abi-common|$common|g" "$hdr/Makefile"
grep -qF "$common" "$hdr/Makefile" ||
	die "$hdr/Makefile does not name /usr/src/linux-headers-$abi-common; cannot redirect it"

# Absolute symlinks into /usr/lib/linux-kbuild-6.1 (scripts, tools) and
# any other absolute link: into the unpacked copy.
while read -r l; do
	t=$(readlink "$l")
	case $t in
	/*) ln -sfn "$out/headers$t" "$l" ;;
	esac
done < <(find "$out/headers" -type l)
[ -x "$hdr/scripts/basic/fixdep" ] || die "no scripts/basic/fixdep under $hdr (linux-kbuild-6.1 missing?)"
[ -x "$hdr/scripts/mod/modpost" ] || die "no scripts/mod/modpost under $hdr (linux-kbuild-6.1 missing?)"

echo "$abi $version" >"$stamp"
echo "$hdr"
