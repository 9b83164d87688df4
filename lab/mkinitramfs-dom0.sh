#!/usr/bin/env bash
# lab/mkinitramfs-dom0.sh: the initramfs of the lab's dom0.
#
# It holds busybox (with its applet links), the kernel modules dom0 needs
# (xen-privcmd, xenfs, xen-evtchn, xen-gntdev, xen-gntalloc and what they
# depend on), Xen's dom0 tools from xen-utils-4.17 and xenstore-utils
# with every library they load plus libgcc_s.so.1, the project's binaries
# when they are built (xfoctl, tests/e2e/xfo_probe, bpf/*.bpf.o in
# /xfo/bpf), lab/rootfs/init-dom0 as /init and /usr/lib/xfo-lab.sh.
#
# Usage: lab/mkinitramfs-dom0.sh -o OUT [--payload DIR] [--domu-payload DIR]
#                                [--build DIR]
#   --payload DIR       copied to /xfo; /init runs DIR/run.sh, prints
#                       "XFO-LAB-END rc=N" and powers off. Without one,
#                       /init starts a shell on the console.
#   --domu-payload DIR  also pack a PV domU (kernel and initramfs whose
#                       /init runs DIR/run.sh) into /xfo/domu, for
#                       lab_domu_start in /usr/lib/xfo-lab.sh
#   --build DIR         where the project's binaries are (default build/rel)
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/rootfs.sh"

out="" payload="" domu_payload="" build=$XFO_ROOT/build/rel
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--domu-payload) domu_payload=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) die "unknown argument '$1' (see the usage at the top of $0)" ;;
	esac
done
[ -n "$out" ] || die "no output file given (-o OUT)"
[ -z "$payload" ] || [ -f "$payload/run.sh" ] || die "payload $payload has no run.sh"
[ -z "$domu_payload" ] || [ -f "$domu_payload/run.sh" ] ||
	die "domU payload $domu_payload has no run.sh"
need_cmd ldd strings cpio gzip
build=$(cd "$build" 2>/dev/null && pwd) || die "build directory $build does not exist"

kver=$(lab_kver)
xenbin=/usr/lib/xen-4.17/bin

# Staging in a directory of this run's own: other people's builds may
# run at the same time.
mkdir -p "$LAB_OUT/tmp"
work=$(mktemp -d "$LAB_OUT/tmp/dom0.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The domU first: it has a staging directory of its own.
if [ -n "$domu_payload" ]; then
	rootfs_domu_kernel "$LAB_SYSROOT/boot/vmlinuz-$kver" "$LAB_OUT/domu-vmlinux-$kver.gz"
	"$XFO_ROOT/lab/mkinitramfs-domu.sh" -o "$work/domu-initrd.img" \
		--payload "$domu_payload" --build "$build"
fi

rootfs_init "$work/stage"
rootfs_busybox
rootfs_modules "$kver" xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc

# xenperf: the lab benchmark reads the perf counters of a xen-perfc build.
for b in xl xenstored xenconsoled xen-init-dom0 xenconsole libxl-save-helper xenperf; do
	rootfs_bin "$LAB_SYSROOT$xenbin/$b" "$xenbin/$b"
	ln -sf "$xenbin/$b" "$STAGE/usr/sbin/$b"
done
rootfs_bin "$LAB_SYSROOT/usr/bin/xenstore" /usr/bin/xenstore
for t in read write ls list exists rm watch chmod; do
	ln -s xenstore "$STAGE/usr/bin/xenstore-$t"
done
rootfs_lib libgcc_s.so.1
mkdir -p "$STAGE/etc/xen"
cp "$LAB_SYSROOT/etc/xen/xl.conf" "$STAGE/etc/xen/" 2>/dev/null || true

mkdir -p "$STAGE/xfo/bpf"
for b in xfoctl tests/e2e/xfo_probe; do
	if [ -f "$build/$b" ]; then
		rootfs_bin "$build/$b" "/usr/bin/$(basename "$b")"
	else
		log "note: $build/$b not built; the dom0 image goes without it"
	fi
done
for o in "$build"/bpf/*.bpf.o; do
	[ -f "$o" ] && cp "$o" "$STAGE/xfo/bpf/"
done

install -m 0755 "$XFO_ROOT/lab/rootfs/init-dom0" "$STAGE/init"
install -m 0644 "$XFO_ROOT/lab/rootfs/xfo-lab.sh" "$STAGE/usr/lib/xfo-lab.sh"
[ -z "$payload" ] || cp -r "$payload"/. "$STAGE/xfo/"
if [ -n "$domu_payload" ]; then
	mkdir -p "$STAGE/xfo/domu"
	cp "$LAB_OUT/domu-vmlinux-$kver.gz" "$STAGE/xfo/domu/vmlinuz"
	cp "$work/domu-initrd.img" "$STAGE/xfo/domu/initrd.img"
fi
rootfs_pack "$out"
log "dom0 initramfs ${out#"$XFO_ROOT"/}: $(du -k "$out" | cut -f1) KiB" \
	"(kernel $kver${payload:+, payload ${payload#"$XFO_ROOT"/}}${domu_payload:+, domU payload ${domu_payload#"$XFO_ROOT"/}})"
