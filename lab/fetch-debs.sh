#!/usr/bin/env bash
# lab/fetch-debs.sh: fetch the Debian packages the lab is made of into
# build/lab/debs (a cache: a .deb already there is never fetched again),
# unpack them all with `dpkg -x` into build/lab/sysroot, and unpack
# Debian's Xen into build/lab/xen-debian (the multiboot ELF QEMU boots).
#
# Versions are pinned to the ones the lab was tested with (lab/pins.sh).
# Each package is chosen on its own by lab/debs.sh: its pin while it is
# cached or offered, else the newest of its series (the same 4.17.x for
# Xen's debs; for the kernel, the same ABI for image, headers and -common,
# and kbuild by its own revision), each fallback logged loudly.
# build/lab/versions.txt records what was used, the guest kernel's
# headers and kbuild included, so that guest-agent/kmod/fetch-headers.sh
# builds the module for exactly the kernel the lab boots.
#
# Usage: lab/fetch-debs.sh [--quiet]
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/debs.sh"

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

. "$(dirname "$0")/pins.sh"

# package  pinned-version  fallback series (a regex on the version, or "any")
PACKAGES=(
	"xen-hypervisor-4.17-amd64 $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"xen-utils-4.17           $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"xen-utils-common         $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"xenstore-utils           $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxenstore4             $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxenmisc4.17           $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxencall1              $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxendevicemodel1       $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxenevtchn1            $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxenforeignmemory1     $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxengnttab1            $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxenhypfs1             $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxentoolcore1          $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libxentoollog1           $LAB_XEN_VERSION_PIN $LAB_XEN_SERIES"
	"libyajl2                 2.1.0-3+deb12u2 any"
	"libgcc-s1                12.2.0-14+deb12u1 any"
	"libtinfo6                6.4-4 any"
	"libncurses6              6.4-4 any"
	"libncursesw6             6.4-4 any"
	"busybox-static           1:1.35.0-4+deb12u1+b1 any"
)

need_cmd apt-get apt-cache dpkg dpkg-deb zcat flock
mkdir -p "$LAB_DEBS" "$LAB_OUT"
# One fetch at a time: several people's builds share build/lab.
exec 9>"$LAB_OUT/.fetch.lock"
flock -w 900 9 || die "another lab/fetch-debs.sh holds $LAB_OUT/.fetch.lock for 15 minutes"

debs_init "$LAB_DEBS"

# The kernel set: the lab unpacks the image; the headers, -common and
# kbuild are recorded for fetch-headers.sh.
set_lines=$(choose_kernel_set "$LAB_KERNEL_ABI_PIN" "$LAB_KERNEL_VERSION_PIN" \
	"$LAB_KBUILD_VERSION_PIN") || exit 1
mapfile -t kernel_set <<<"$set_lines"
chosen=("${kernel_set[0]}")
for spec in "${PACKAGES[@]}"; do
	read -r name pin series <<<"$spec"
	line=$(choose "$name" "$pin" "$series") || exit 1
	chosen+=("$line")
done

debs=()
for line in "${chosen[@]}"; do
	read -r name version <<<"$line"
	debs+=("$(fetch_deb "$name" "$version")")
done

# Unpack into the sysroot again only when the set of packages changed.
stamp=$LAB_SYSROOT/.xfo-debs
want=$(printf '%s\n' "${debs[@]##*/}" | sort)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	log "unpacking ${#debs[@]} packages into ${LAB_SYSROOT#"$XFO_ROOT"/}"
	rm -rf "$LAB_SYSROOT"
	mkdir -p "$LAB_SYSROOT"
	for d in "${debs[@]}"; do
		dpkg -x "$d" "$LAB_SYSROOT" || die "dpkg -x $d failed"
	done
	printf '%s\n' "$want" >"$stamp"
fi

kimage=$(printf '%s\n' "${chosen[@]}" | awk '/^linux-image-/ { print $1 }')
kver=${kimage#linux-image-}
[ -f "$LAB_SYSROOT/boot/vmlinuz-$kver" ] ||
	die "$kimage has no /boot/vmlinuz-$kver"
[ -d "$LAB_SYSROOT/lib/modules/$kver" ] ||
	die "$kimage has no /lib/modules/$kver"
xengz=$(compgen -G "$LAB_SYSROOT/boot/xen-4.17*-amd64.gz" | sort -V | tail -n 1 || true)
[ -n "$xengz" ] || die "xen-hypervisor-4.17-amd64 has no /boot/xen-4.17*-amd64.gz"

# QEMU's -kernel wants the uncompressed multiboot ELF.
if [ ! -f "$LAB_OUT/xen-debian" ] || [ "$xengz" -nt "$LAB_OUT/xen-debian" ]; then
	zcat "$xengz" >"$LAB_OUT/xen-debian.tmp" || die "zcat $xengz failed"
	chmod 0644 "$LAB_OUT/xen-debian.tmp"
	mv "$LAB_OUT/xen-debian.tmp" "$LAB_OUT/xen-debian"
fi

# Written whole, a line left from an earlier choice would mislead; but for
# the Xen source, which hypervisor-patch/xen-build.sh records.
grep -E '^xen-source ' "$LAB_VERSIONS" >"$LAB_VERSIONS.new" 2>/dev/null || :
versions_record "$LAB_VERSIONS.new" "${chosen[@]}" "${kernel_set[@]:1}" \
	"kernel-release $kver" "xen-debian-elf ${xengz#"$LAB_SYSROOT"}"
mv "$LAB_VERSIONS.new" "$LAB_VERSIONS"

if [ $quiet -eq 0 ]; then
	log "lab versions: kernel $kver $(awk -v p="$kimage" '$1 == p { print $2 }' "$LAB_VERSIONS")," \
		"Xen $(awk '$1 == "xen-hypervisor-4.17-amd64" { print $2 }' "$LAB_VERSIONS")" \
		"(all: ${LAB_VERSIONS#"$XFO_ROOT"/})"
fi
