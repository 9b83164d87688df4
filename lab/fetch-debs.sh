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
# build/lab/versions.txt records what was used.
#
# Usage: lab/fetch-debs.sh [--quiet]
set -euo pipefail
. "$(dirname "$0")/common.sh"

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

# Once per run; the choices run in subshells, so a file remembers it.
apt_flag=$LAB_OUT/.apt-updated.$$
trap 'rm -f "$apt_flag"' EXIT
apt_update_once() {
	[ -e "$apt_flag" ] && return 0
	: >"$apt_flag"
	log "refreshing the package lists (apt-get update)"
	apt-get update -qq || die "apt-get update failed: the package mirror is not reachable"
}

# apt's file name for a version: the epoch colon is written %3a.
deb_glob() { printf '%s_%s_*.deb' "$1" "${2//:/%3a}"; }

cached_deb() {
	local f
	for f in "$LAB_DEBS"/$(deb_glob "$1" "$2"); do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Versions of a binary package the mirror offers, newest first.
versions_of() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '$3 !~ /Sources/ { gsub(/ /, "", $2); print $2 }' |
		sort -u | sort -rV
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

# Echoes "name version" for one package: the pin when it is cached or
# offered, else the newest version of the series.
choose() {
	local name=$1 pin=$2 series=$3 offered v
	if cached_deb "$name" "$pin" >/dev/null; then
		echo "$name $pin"; return
	fi
	offered=$(versions_of "$name")
	if [ -z "$offered" ]; then
		apt_update_once
		offered=$(versions_of "$name")
	fi
	if printf '%s\n' "$offered" | grep -qxF -- "$pin"; then
		echo "$name $pin"; return
	fi
	# Not offered: maybe the lists are only stale.
	if [ ! -e "$apt_flag" ]; then
		apt_update_once
		offered=$(versions_of "$name")
		if printf '%s\n' "$offered" | grep -qxF -- "$pin"; then
			echo "$name $pin"; return
		fi
	fi
	if [ "$series" = any ]; then
		v=$(printf '%s\n' "$offered" | newest_of)
	else
		v=$(printf '%s\n' "$offered" | grep -E -- "$series" | newest_of || true)
	fi
	[ -n "$v" ] || return 1
	echo "$name $v"
}

# The kernel: linux-image-<ABI>-amd64 at the pinned ABI, else the newest
# 6.1.0-N ABI the mirror offers.
choose_kernel() {
	local name=linux-image-$KERNEL_ABI_PIN-amd64 abi
	if cached_deb "$name" "$KERNEL_VERSION_PIN" >/dev/null; then
		echo "$name $KERNEL_VERSION_PIN"; return
	fi
	[ -n "$(versions_of "$name")" ] || apt_update_once
	if [ -n "$(versions_of "$name")" ]; then
		choose "$name" "$KERNEL_VERSION_PIN" any; return
	fi
	abi=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		sed -n 's/^linux-image-\(6\.1\.0-[0-9][0-9]*\)-amd64$/\1/p' |
		sort -V | tail -n 1)
	[ -n "$abi" ] || return 1
	choose "linux-image-$abi-amd64" none any
}

fetch() {
	local name=$1 version=$2 f tmp
	if f=$(cached_deb "$name" "$version"); then
		echo "$f"; return
	fi
	tmp=$(mktemp -d "$LAB_DEBS/.dl.XXXXXX")
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
		mv "$f" "$LAB_DEBS/"
	done
	rm -rf "$tmp"
	cached_deb "$name" "$version" || die "downloaded $name=$version but cannot find its .deb"
}

chosen=()
line=$(choose_kernel) ||
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
