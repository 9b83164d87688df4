#!/usr/bin/env bash
# lab/boot.sh: boot Xen with the lab's dom0 in QEMU.
#
# Usage: lab/boot.sh --initrd FILE [--name NAME] [--xen auto|patched|debian|FILE]
#                    [--timeout SECS] [--accel auto|tcg|kvm] [--interactive]
#                    [--xen-args "..."] [--linux-args "..."] [--native]
#
#   --initrd      dom0 initramfs (lab/mkinitramfs-dom0.sh)
#   --name        the serial log is build/lab/logs/NAME.log (default: boot)
#   --xen         auto (default): build/xen/xen when it exists (the patched
#                 Xen from `make xen`), else Debian's; patched: build/xen/xen
#                 or fail; debian: Debian's xen-hypervisor-4.17-amd64; or
#                 the path of a Xen ELF (or .gz)
#   --timeout     seconds before QEMU is stopped (default 300); scripted
#                 runs only
#   --accel       auto (default): KVM only when a boot check showed it
#                 works on this host, else TCG; tcg; kvm
#   --interactive the console on this terminal (Ctrl-a x quits QEMU);
#                 the log is still written
#   --native      no Xen: QEMU boots the same Linux kernel directly, with
#                 --initrd as its initramfs (a domU image, whose /init
#                 prints the end line when it finds no Xen); same QEMU
#                 machine, memory and CPUs
#
# A scripted run (the default) waits for dom0's "XFO-LAB-END rc=N" line,
# lets Xen power the machine off (stopping QEMU itself if it does not),
# and exits 0 when N is 0. When the line does not come (a timeout, a
# panic, QEMU dying), it says so, prints the last lines of the log and
# exits 1.
set -euo pipefail
. "$(dirname "$0")/common.sh"

initrd="" name=boot xen=auto timeout_s=300 accel=auto interactive=0 native=0
xen_args="" linux_args=""
while [ $# -gt 0 ]; do
	case $1 in
	--initrd) initrd=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--xen) xen=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--native) native=1; shift ;;
	--xen-args) xen_args=$2; shift 2 ;;
	--linux-args) linux_args=$2; shift 2 ;;
	*) die "unknown argument '$1' (see the usage at the top of $0)" ;;
	esac
done
[ -n "$initrd" ] || die "no dom0 initramfs given (--initrd FILE)"
[ -f "$initrd" ] || die "dom0 initramfs $initrd does not exist"
need_cmd qemu-system-x86_64 timeout zcat

XEN_ARGS="console=com1 com1=115200 dom0_mem=1024M loglvl=all guest_loglvl=all smap=0 smep=0 bootscrub=0"
LINUX_ARGS="console=hvc0 quiet"
END_RE='XFO-LAB-END rc=[0-9]+'
# Lines that mean the machine is gone: no point waiting for the timeout.
DEAD_RE='Panic on CPU|Kernel panic - not syncing|Xen BUG at|FATAL TRAP|FATAL PAGE FAULT|Reboot in five seconds'

[ -f "$LAB_VERSIONS" ] || "$XFO_ROOT/lab/fetch-debs.sh" --quiet
kver=$(lab_kver)
vmlinuz=$LAB_SYSROOT/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "dom0 kernel $vmlinuz missing: run lab/fetch-debs.sh"

# An ELF as QEMU's multiboot loader wants it; a .gz is unpacked first.
xen_elf() {
	local f=$1 out
	[ -f "$f" ] || die "Xen image $f does not exist"
	case $(head -c 4 "$f" | od -An -c | tr -d ' ') in
	177ELF) echo "$f" ;;
	037213)
		out=$LAB_OUT/xen-$(basename "$f" .gz).elf
		if [ ! -f "$out" ] || [ "$f" -nt "$out" ]; then
			zcat "$f" >"$out.$$" || die "zcat $f failed"
			mv "$out.$$" "$out"
		fi
		echo "$out" ;;
	*) die "$f is neither a Xen ELF nor a gzip'ed one" ;;
	esac
}

case $xen in
auto)
	if [ -f "$XFO_ROOT/build/xen/xen" ]; then
		xen_kind=patched; xen_file=$(xen_elf "$XFO_ROOT/build/xen/xen")
	else
		xen_kind=debian; xen_file=$(xen_elf "$LAB_OUT/xen-debian")
	fi ;;
patched)
	[ -f "$XFO_ROOT/build/xen/xen" ] ||
		die "build/xen/xen does not exist: run 'make xen' first (or use --xen debian)"
	xen_kind=patched; xen_file=$(xen_elf "$XFO_ROOT/build/xen/xen") ;;
debian)
	[ -f "$LAB_OUT/xen-debian" ] || "$XFO_ROOT/lab/fetch-debs.sh" --quiet
	xen_kind=debian; xen_file=$(xen_elf "$LAB_OUT/xen-debian") ;;
*)
	xen_kind="file"; xen_file=$(xen_elf "$xen") ;;
esac

# KVM: only when the host really has hardware virtualisation. On these
# machines /dev/kvm is kvm_pvm (software, no VMX/SVM underneath), under
# which Xen dies or hangs (docs/lab.md), so auto means TCG here. Where
# the checks pass, a cached boot check decides (lab/kvm-check.sh).
kvm_usable() {
	{ [ -r /dev/kvm ] && [ -w /dev/kvm ]; } || { echo "no usable /dev/kvm"; return 1; }
	[ ! -d /sys/module/kvm_pvm ] ||
		{ echo "/dev/kvm is kvm_pvm (software virtualisation, no VMX/SVM underneath)"; return 1; }
	grep -qwE 'vmx|svm' /proc/cpuinfo || { echo "the CPU has no vmx/svm flag"; return 1; }
	[ -f "$LAB_OUT/kvm-check.ok" ] ||
		{ echo "no successful boot check under KVM yet (run lab/kvm-check.sh)"; return 1; }
	return 0
}
case $accel in
auto)
	if why=$(kvm_usable); then accel=kvm; else
		log "accel: TCG ($why)"; accel=tcg
	fi ;;
tcg|kvm) ;;
*) die "--accel must be auto, tcg or kvm, not '$accel'" ;;
esac
# -cpu max without XSAVE: with XSAVE, dom0 processes under TCG now and
# then start with another process's register contents (busybox dies at
# its first TLS access, "segfault at 64616568" = "head") while a domU is
# being built or runs; with XSAVE off, never in the same stress test
# (docs/lab.md). AVX and friends need XSAVE, so they go too.
TCG_CPU_DEFAULT=max,-xsave,-xsaveopt,-xsavec,-xsaves,-xgetbv1,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq
if [ "$accel" = kvm ]; then
	machine=(-machine "q35,accel=kvm" -cpu host)
else
	machine=(-machine q35 -accel "tcg${LAB_TCG_OPTS:+,$LAB_TCG_OPTS}" -cpu "${LAB_CPU:-$TCG_CPU_DEFAULT}")
fi

qemu=(qemu-system-x86_64 "${machine[@]}" -m 2048 -smp 2 -no-reboot)
if [ $native -eq 1 ]; then
	qemu+=(-kernel "$vmlinuz" -initrd "$initrd"
		-append "console=ttyS0 quiet${linux_args:+ $linux_args}")
else
	qemu+=(-kernel "$xen_file"
		-append "$XEN_ARGS${xen_args:+ $xen_args}"
		-initrd "$vmlinuz $LINUX_ARGS${linux_args:+ $linux_args},$initrd")
fi

mkdir -p "$LAB_LOGS"
logf=$LAB_LOGS/$name.log
if [ $native -eq 1 ]; then
	log "booting Linux $kver natively (no Xen), initramfs ${initrd#"$XFO_ROOT"/}, accel $accel"
else
	log "booting Xen ($xen_kind: ${xen_file#"$XFO_ROOT"/}), dom0 $kver, initramfs ${initrd#"$XFO_ROOT"/}, accel $accel"
fi
log "serial log: ${logf#"$XFO_ROOT"/}"

if [ $interactive -eq 1 ]; then
	echo "=== xfo lab: QEMU console. Ctrl-a x quits QEMU, Ctrl-a h lists the keys. ==="
	echo "=== dom0 prints a shell prompt after about 20 s (TCG).                    ==="
	exec "${qemu[@]}" -display none \
		-chardev "stdio,id=con0,mux=on,signal=off,logfile=$logf" \
		-serial chardev:con0 -mon chardev=con0
fi

: >"$logf"
start=$(date +%s)
# timeout(1) as well as the loop below: QEMU goes even if this script is
# killed before it can clean up.
timeout -k 10 $((timeout_s + 60)) "${qemu[@]}" -nographic </dev/null >>"$logf" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null || true' EXIT

stop_qemu() {
	kill "$qpid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.5
	done
	kill -9 "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
}

fail() {
	stop_qemu
	echo "[$lab_name] FAILED: $name: $* (after $(( $(date +%s) - start ))s)" >&2
	echo "[$lab_name] last lines of ${logf#"$XFO_ROOT"/}:" >&2
	tr -d '\r' <"$logf" | tail -n 40 | sed 's/^/    | /' >&2
	exit 1
}

end_line="" end_at=0
while :; do
	now=$(( $(date +%s) - start ))
	if [ -z "$end_line" ]; then
		end_line=$(tr -d '\r' <"$logf" | grep -oE "$END_RE" | head -n 1 || true)
		if [ -n "$end_line" ]; then
			end_at=$now
		elif grep -qE "$DEAD_RE" "$logf"; then
			sleep 3
			fail "the machine died: $(tr -d '\r' <"$logf" | grep -oE "$DEAD_RE" | head -n 1)"
		fi
	fi
	kill -0 "$qpid" 2>/dev/null || break
	if [ -n "$end_line" ] && [ $((now - end_at)) -ge 15 ]; then
		log "dom0 powered off but QEMU still runs after 15 s; stopping it"
		break
	fi
	[ "$now" -lt "$timeout_s" ] ||
		fail "dom0 printed no 'XFO-LAB-END rc=N' line within ${timeout_s}s"
	sleep 0.5
done
stop_qemu
trap - EXIT
total=$(( $(date +%s) - start ))
[ -n "$end_line" ] || fail "QEMU exited before dom0 printed its 'XFO-LAB-END rc=N' line"
rc=${end_line##*rc=}
log "$name: '$end_line' after ${end_at}s; QEMU gone after ${total}s"
[ "$rc" -eq 0 ] || { echo "[$lab_name] $name: the payload exited $rc (log: ${logf#"$XFO_ROOT"/})" >&2; exit 1; }
