#!/usr/bin/env bash
# scripts/fetch-checkpatch.sh: the kernel's checkpatch.pl, with the two
# data files it reads beside it, from Debian's linux-source-6.1 package.
# Only those three files are taken out of the source tarball; they are kept
# in build/style/checkpatch, and the .deb in build/style/debs, so the
# network is needed once.
#
# The version: XFO_CHECKPATCH_PIN (default LAB_LINUX_SOURCE_PIN from
# lab/pins.sh) when it is cached or offered, else the newest 6.1.x offered
# (lab/debs.sh's choose), with a banner. The version used is written to
# build/style/checkpatch/.version.
#
# Prints the path of checkpatch.pl on stdout; everything else goes to stderr.
# Usage: scripts/fetch-checkpatch.sh [--which]
#   --which  print the version that would be fetched, fetch nothing
# XFO_STYLE_OUT puts the cache elsewhere than build/style.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/lab/common.sh"
. "$root/lab/debs.sh"
. "$root/lab/pins.sh"
# shellcheck disable=SC2034  # read by log, die and loud (lab/common.sh)
lab_name=checkpatch
out=${XFO_STYLE_OUT:-$root/build/style}
which_only=0
case ${1:-} in
--which) which_only=1 ;;
"") ;;
*) die "usage: $0 [--which]" ;;
esac
dest=$out/checkpatch
pkg=linux-source-6.1
pin=${XFO_CHECKPATCH_PIN:-$LAB_LINUX_SOURCE_PIN}
# What checkpatch.pl needs beside itself (--no-tree still reads these).
wanted=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)

# Already extracted: done, whatever the mirror offers now.
if [ $which_only -eq 0 ] && [ -x "$dest/checkpatch.pl" ] && [ -f "$dest/spelling.txt" ] &&
   [ -f "$dest/const_structs.checkpatch" ] && [ -f "$dest/.version" ]; then
	echo "$dest/checkpatch.pl"
	exit 0
fi

need_cmd dpkg-deb tar xz apt-get apt-cache
debs_init "$out/debs"

# choose logs a fallback loudly, and names the offer when nothing fits.
line=$(choose "$pkg" "$pin" '^6\.1\.') || exit 1
read -r _ version <<<"$line"
log "checkpatch.pl from $pkg $version"
if [ $which_only -eq 1 ]; then
	echo "$pkg $version"
	exit 0
fi
deb=$(fetch_deb "$pkg" "$version")

# The package holds one tarball, /usr/src/linux-source-6.1.tar.xz; its
# members are under linux-source-6.1/.
tmp=$(mktemp -d "$out/.extract.XXXXXX")
trap 'rm -rf "$tmp"; rm -f "$apt_flag"' EXIT
log "extracting ${wanted[*]}"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$tmp" --wildcards './usr/src/linux-source-6.1*.tar.xz' ||
	die "$deb holds no /usr/src/linux-source-6.1*.tar.xz"
src_tar=$(find "$tmp/usr/src" -name 'linux-source-6.1*.tar.xz' | head -n 1)
[ -n "$src_tar" ] || die "$deb holds no /usr/src/linux-source-6.1*.tar.xz"
top=$(basename "$src_tar" .tar.xz)
tar -x -J -C "$tmp" -f "$src_tar" "${wanted[@]/#/$top/}" ||
	die "$src_tar lacks one of: ${wanted[*]}"
rm -rf "$dest"
mkdir -p "$dest"
for f in "${wanted[@]}"; do
	mv "$tmp/$top/$f" "$dest/"
done
chmod +x "$dest/checkpatch.pl"
echo "$pkg $version" >"$dest/.version"
echo "$dest/checkpatch.pl"
