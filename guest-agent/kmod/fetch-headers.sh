#!/usr/bin/env bash
# guest-agent/kmod/fetch-headers.sh: fetch Debian's kernel headers for the
# lab's guest kernel and unpack them into build/guest/headers, ready for
# `make -C <dir> M=...` without installing anything on the host.
#
# Which kernel: the one the lab boots. lab/fetch-debs.sh chooses the
# whole kernel set (lab/debs.sh's choose_kernel_set: image, headers,
# -common and kbuild, one ABI) and records it in build/lab/versions.txt;
# those versions are taken exactly. Without that file the same choice is
# made here from the pins in lab/pins.sh and recorded there.
#
# Three packages are unpacked: linux-headers-<abi>-amd64 (the config and
# generated headers), linux-headers-<abi>-common (the source headers) and
# linux-kbuild-6.1 (fixdep, modpost: the host tools kbuild runs), each at
# its own version. The -amd64 package's Makefile includes the -common tree
# by an absolute path, /usr/src/linux-headers-<abi>-common; it is
# rewritten to the unpacked copy, and the scripts/tools symlinks into
# /usr/lib/linux-kbuild are pointed at the unpacked kbuild package.
#
# Prints the headers directory (build/guest/headers/usr/src/linux-headers-
# <abi>-amd64) on stdout; everything else goes to stderr.
# Usage: guest-agent/kmod/fetch-headers.sh [--offline]
#   --offline  use what is already unpacked or cached; never ask apt
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/lab/common.sh"
. "$root/lab/debs.sh"
. "$root/lab/pins.sh"
lab_name=guest-headers		# the prefix of log, die and loud
out=${XFO_GUEST_OUT:-$root/build/guest}
offline=0
[ "${1:-}" = --offline ] && offline=1

# The lab's cache: the lab and the module share one set of .debs.
debs_init "$LAB_DEBS"

# --- which packages -------------------------------------------------------
# versions.txt lines for the headers, -common and kbuild, in that order.
recorded_set() {
	[ -f "$LAB_VERSIONS" ] || return 1
	awk '$1 ~ /^linux-headers-.*-amd64$/ { h = $1 " " $2 }
	     $1 ~ /^linux-headers-.*-common$/ { c = $1 " " $2 }
	     $1 == "linux-kbuild-6.1" { k = $1 " " $2 }
	     END { if (h == "" || c == "" || k == "") exit 1
		   print h; print c; print k }' "$LAB_VERSIONS"
}
if set_lines=$(recorded_set); then
	why="the lab's kernel (${LAB_VERSIONS#"$root"/})"
else
	[ $offline -eq 0 ] || die "${LAB_VERSIONS#"$root"/} names no kernel set (--offline)"
	set_lines=$(choose_kernel_set "$LAB_KERNEL_ABI_PIN" "$LAB_KERNEL_VERSION_PIN" \
		"$LAB_KBUILD_VERSION_PIN" | tail -n 3) || exit 1
	why="lab/pins.sh"
fi
mapfile -t set <<<"$set_lines"
[ "${#set[@]}" -eq 3 ] || die "not a kernel set of three packages: ${set[*]}"
abi=${set[0]%% *}
abi=${abi#linux-headers-}
abi=${abi%-amd64}
log "guest kernel headers ($why):"
for line in "${set[@]}"; do log "  $line"; done

# An unpacked tree from an earlier run for exactly this choice: done.
hdr=$out/headers/usr/src/linux-headers-$abi-amd64
stamp=$out/headers/.xfo-headers
stamp_line=$(IFS=,; echo "${set[*]}")
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_line" ] && [ -f "$hdr/Makefile" ]; then
	echo "$hdr"
	exit 0
fi

# --- fetch and unpack --------------------------------------------------------
files=()
for line in "${set[@]}"; do
	read -r p version <<<"$line"
	[ $offline -eq 0 ] || cached_deb "$p" "$version" >/dev/null ||
		die "$p=$version is not cached in ${LAB_DEBS#"$root"/} (--offline)"
	files+=("$(fetch_deb "$p" "$version")")
done
rm -rf "$out/headers"
mkdir -p "$out/headers"
for f in "${files[@]}"; do
	dpkg -x "$f" "$out/headers" || die "dpkg -x $f failed"
done
[ -f "$hdr/Makefile" ] || die "linux-headers-$abi-amd64 has no ${hdr#"$out"/headers}/Makefile"

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

echo "$stamp_line" >"$stamp"
[ "$why" != lab/pins.sh ] || versions_record "$LAB_VERSIONS" "${set[@]}"
echo "$hdr"
