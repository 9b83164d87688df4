#!/usr/bin/env bash
# lab/mkinitramfs-domu.sh: the initramfs of the lab's PV domU: busybox,
# xen-privcmd (userspace hypercalls go through /dev/xen/privcmd in a domU
# too, and Debian builds it as a module), xenstore, the project's test
# binaries with their libraries, and a payload run by its /init.
#
# Usage: lab/mkinitramfs-domu.sh -o OUT [--payload DIR] [--build DIR]
#   --payload DIR  copied to /xfo; DIR/run.sh is run at boot
#   --build DIR    where the project's binaries are (default build/rel)
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/rootfs.sh"

out="" payload="" build=$XFO_ROOT/build/rel
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) die "unknown argument '$1' (usage: $0 -o OUT [--payload DIR] [--build DIR])" ;;
	esac
done
[ -n "$out" ] || die "no output file given (-o OUT)"
[ -z "$payload" ] || [ -f "$payload/run.sh" ] || die "payload $payload has no run.sh"

kver=$(lab_kver)
mkdir -p "$LAB_OUT/tmp"
work=$(mktemp -d "$LAB_OUT/tmp/domu.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs_init "$work/stage"
rootfs_busybox
rootfs_modules "$kver" xen-privcmd
rootfs_bin "$LAB_SYSROOT/usr/bin/xenstore" /usr/bin/xenstore
for t in read write ls list exists rm watch; do
	ln -s xenstore "$STAGE/usr/bin/xenstore-$t"
done
for b in tests/e2e/xfo_probe xfoctl; do
	if [ -f "$build/$b" ]; then
		rootfs_bin "$build/$b" "/usr/bin/$(basename "$b")"
	else
		log "note: $build/$b not built; the domU image goes without it"
	fi
done
# The guest side of xfo (docs/guest.md), when built: any payload can then
# insmod the module and run the agent and workloads.
guest_ko=$XFO_ROOT/build/guest/kmod/xfo_guest.ko
if [ -f "$guest_ko" ]; then
	mkdir -p "$STAGE/lib/modules/$kver/extra"
	cp "$guest_ko" "$STAGE/lib/modules/$kver/extra/"
	"$LAB_SYSROOT/bin/busybox" depmod -b "$STAGE" "$kver" ||
		die "busybox depmod for $kver failed"
else
	log "note: $guest_ko not built; the domU image goes without it"
fi
for b in guest-agent/xfo-agent tests/guest/touch_region \
	 tests/guest/map_unmap_loop tests/guest/region_edges \
	 tests/guest/shim_workload; do
	if [ -f "$build/$b" ]; then
		rootfs_bin "$build/$b" "/usr/bin/$(basename "$b")"
	fi
done
if [ -f "$build/guest-agent/libxfo_preload.so" ]; then
	rootfs_bin "$build/guest-agent/libxfo_preload.so" /usr/lib/xfo/libxfo_preload.so
	install -m 0755 "$XFO_ROOT/tests/guest/guest-tests.sh" "$STAGE/usr/lib/xfo/"
fi
rootfs_lib libgcc_s.so.1
install -m 0755 "$XFO_ROOT/lab/rootfs/init-domu" "$STAGE/init"
[ -z "$payload" ] || cp -r "$payload"/. "$STAGE/xfo/"
rootfs_pack "$out"
log "domU initramfs ${out#"$XFO_ROOT"/}: $(du -k "$out" | cut -f1) KiB"
