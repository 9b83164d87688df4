#!/usr/bin/env bash
# lab/fetch-debs.sh: fetch the Debian packages the lab is made of into
# build/lab/debs (a cache: a .deb already there is never fetched again),
# unpack them all with `dpkg -x` into build/lab/sysroot, and unpack
# Debian's Xen into build/lab/xen-debian (the multiboot ELF QEMU boots).
#
# Versions are pinned to the ones the lab was tested with. When a pinned
# version can no longer be fetched, the newest matching one is used
# instead (the newest 6.1.0-N-amd64 kernel; the newest 4.17.x Xen; the
# newest version of anything else) and the log says so in a banner.
# build/lab/versions.txt records what was used. The choosing and fetching
# are lab/debs.sh's, which guest-agent/kmod/fetch-headers.sh uses too.
#
# Usage: lab/fetch-debs.sh [--quiet]
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/debs.sh"

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

# The versions the lab was tested with (docs/lab.md).
KERNEL_ABI_PIN=${LAB_KERNEL_ABI_PIN:-6.1.0-56}
KERNEL_VERSION_PIN=6.1.192-2
XEN_VERSION_PIN=${LAB_XEN_PIN:-4.17.5+72-g01140da4e8-1}
XEN_SERIES='^4\.17\.'

# package  pinned-version  fallback series (a regex on the version, or "any")
PACKAGES=(
	"xen-hypervisor-4.17-amd64 $XEN_VERSION_PIN $XEN_SERIES"
	"xen-utils-4.17           $XEN_VERSION_PIN $XEN_SERIES"
	"xen-utils-common         $XEN_VERSION_PIN $XEN_SERIES"
	"xenstore-utils           $XEN_VERSION_PIN $XEN_SERIES"
	"libxenstore4             $XEN_VERSION_PIN $XEN_SERIES"
	"libxenmisc4.17           $XEN_VERSION_PIN $XEN_SERIES"
	"libxencall1              $XEN_VERSION_PIN $XEN_SERIES"
	"libxendevicemodel1       $XEN_VERSION_PIN $XEN_SERIES"
	"libxenevtchn1            $XEN_VERSION_PIN $XEN_SERIES"
	"libxenforeignmemory1     $XEN_VERSION_PIN $XEN_SERIES"
	"libxengnttab1            $XEN_VERSION_PIN $XEN_SERIES"
	"libxenhypfs1             $XEN_VERSION_PIN $XEN_SERIES"
	"libxentoolcore1          $XEN_VERSION_PIN $XEN_SERIES"
	"libxentoollog1           $XEN_VERSION_PIN $XEN_SERIES"
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

chosen=()
line=$(choose_kernel image "$KERNEL_ABI_PIN" "$KERNEL_VERSION_PIN") ||
	die "no linux-image-6.1.0-N-amd64 is offered by the package mirror"
chosen+=("$line")
for spec in "${PACKAGES[@]}"; do
	read -r name pin series <<<"$spec"
	line=$(choose "$name" "$pin" "$series") ||
		die "no version of $name matching '$series' is offered by the package mirror"
	chosen+=("$line")
done
# Which ones are not the pinned version, for the banner.
fallbacks=()
for line in "${chosen[@]}"; do
	read -r name version <<<"$line"
	case $name in
	linux-image-*)
		[ "$name" = "linux-image-$KERNEL_ABI_PIN-amd64" ] ||
			fallbacks+=("kernel: linux-image-$KERNEL_ABI_PIN-amd64 is gone; using $name $version")
		[ "$name" != "linux-image-$KERNEL_ABI_PIN-amd64" ] ||
			[ "$version" = "$KERNEL_VERSION_PIN" ] ||
			fallbacks+=("kernel: $name $KERNEL_VERSION_PIN is gone; using $version")
		;;
	*)
		for spec in "${PACKAGES[@]}"; do
			read -r n pin _ <<<"$spec"
			[ "$n" = "$name" ] && [ "$version" != "$pin" ] &&
				fallbacks+=("$name: pinned $pin is gone; using $version")
		done
		;;
	esac
done

debs=()
for line in "${chosen[@]}"; do
	read -r name version <<<"$line"
	debs+=("$(fetch "$name" "$version")")
done

# Unpack into the sysroot again only when the set of packages changed.
stamp=$LAB_SYSROOT/.xfo-debs
want=$(printf '%s\n' "${debs[@]##*/}" | sort)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	log "unpacking ${#debs[@]} packages into ${LAB_SYSROOT#$XFO_ROOT/}"
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
xengz=$(ls "$LAB_SYSROOT"/boot/xen-4.17*-amd64.gz 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$xengz" ] || die "xen-hypervisor-4.17-amd64 has no /boot/xen-4.17*-amd64.gz"

# QEMU's -kernel wants the uncompressed multiboot ELF.
if [ ! -f "$LAB_OUT/xen-debian" ] || [ "$xengz" -nt "$LAB_OUT/xen-debian" ]; then
	zcat "$xengz" >"$LAB_OUT/xen-debian.tmp" || die "zcat $xengz failed"
	chmod 0644 "$LAB_OUT/xen-debian.tmp"
	mv "$LAB_OUT/xen-debian.tmp" "$LAB_OUT/xen-debian"
fi

{
	printf '%s\n' "${chosen[@]}"
	echo "kernel-release $kver"
	echo "xen-debian-elf ${xengz#$LAB_SYSROOT}"
} >"$LAB_VERSIONS.tmp"
mv "$LAB_VERSIONS.tmp" "$LAB_VERSIONS"

if [ ${#fallbacks[@]} -gt 0 ]; then
	loud "PINNED VERSIONS NOT AVAILABLE: THE LAB USES OTHER VERSIONS" \
		"${fallbacks[@]}" \
		"(pins: lab/fetch-debs.sh; what was used: ${LAB_VERSIONS#$XFO_ROOT/})"
fi
if [ $quiet -eq 0 ] || [ ${#fallbacks[@]} -gt 0 ]; then
	log "lab versions: kernel $kver, Xen $(awk '$1 == "xen-hypervisor-4.17-amd64" { print $2 }' "$LAB_VERSIONS")," \
		"busybox $(awk '$1 == "busybox-static" { print $2 }' "$LAB_VERSIONS")"
fi
