#!/usr/bin/env bash
# tier: lab
# guest-e2e: xfo end to end in the QEMU lab (issue 4): a PV domU with
# xfo_guest.ko, the handshake answered by `xfoctl domain connect`, faults
# in /dev/xfo regions resolved by Xen under zero_fill and fault_around,
# nothing offloaded under bounce_all, a program under the shim, 100
# map/touch/unmap rounds without a leak, unload and reconnect, and the
# domU destroyed while it faults. One boot: tests/e2e/guest-dom0.sh in
# dom0, tests/e2e/guest-domu.sh in the domU; their "XFO-E2E PASS|FAIL
# name" lines become "PASS|FAIL guest-e2e.name". Then the serial log is
# checked for Xen or kernel crashes and leak warnings.
#
#   tests/suites/guest-e2e.once.sh BUILD_DIR
#
# Builds the patched Xen (`make xen`) when it is older than its sources,
# xfoctl, the policies and the guest side (`make guest`). Waits (at most
# GUEST_E2E_QEMU_WAIT s, default 600) while another QEMU runs on the host.
# GUEST_E2E_TIMEOUT (default 900) bounds the boot.
set -euo pipefail
cd "$(dirname "$0")/../.."

B=${1:?usage: $0 BUILD_DIR}
LAB=build/lab
NAME=guest-e2e
LOG=$LAB/logs/$NAME.log
BUDGET=900
start=$(date +%s)

pass() { echo "PASS guest-e2e.$1"; }
fail() { echo "FAIL guest-e2e.$1: $2"; }
elapsed() { echo $(( $(date +%s) - start )); }
. tests/e2e/host-lib.sh
mkdir -p "$LAB/logs"

# --- the patched Xen -----------------------------------------------------------
make_xen guest-e2e "$LAB/$NAME-make-xen.log" || exit 1

# --- userspace and the guest side, without sanitizers ------------------------------
case $B in *asan*) echo "guest-e2e: note: $B is a sanitizer build; the lab wants build/rel" ;; esac
objs=()
for s in zero_fill fault_around bounce_all counting; do objs+=("$B/bpf/$s.bpf.o"); done
if ! make --no-print-directory O="$B" SAN=0 "$B/xfoctl" "$B/tests/e2e/xfo_probe" "${objs[@]}" guest \
	>"$LAB/$NAME-build.log" 2>&1; then
	tail -n 20 "$LAB/$NAME-build.log"
	fail build "xfoctl, the policies or the guest side (make guest) do not build (log: $LAB/$NAME-build.log)"
	exit 1
fi
ko=build/guest/kmod/xfo_guest.ko
for f in "$ko" "$B/guest-agent/xfo-agent" "$B/guest-agent/libxfo_preload.so" \
	 "$B/tests/guest/touch_region" "$B/tests/guest/map_unmap_loop" "$B/tests/guest/shim_workload"; do
	[ -f "$f" ] || { fail build "$f was not built"; exit 1; }
done
echo "guest-e2e: note: setup: xfoctl, the policies and the guest side are built"

# --- the payloads --------------------------------------------------------------------
P0=$LAB/$NAME-dom0 PU=$LAB/$NAME-domu
rm -rf "$P0" "$PU"
mkdir -p "$P0" "$PU"
cp tests/e2e/guest-dom0.sh "$P0/run.sh"
cp tests/e2e/lib.sh "$P0/lib.sh"
cp tests/e2e/guest-domu.sh "$PU/run.sh"
# The module again in the payload: the domU loads the lab's copy when
# lab/mkinitramfs-domu.sh put one in, this one otherwise.
cp "$ko" "$PU/"

# --- one QEMU at a time ----------------------------------------------------------------
waited=0
while pgrep qemu-system >/dev/null 2>&1; do
	if [ $waited -ge "${GUEST_E2E_QEMU_WAIT:-600}" ]; then
		echo "guest-e2e: note: another QEMU still runs after ${waited}s; booting anyway (timings will be slower)"
		break
	fi
	[ $waited -eq 0 ] && echo "guest-e2e: another QEMU runs; waiting (at most ${GUEST_E2E_QEMU_WAIT:-600}s)"
	sleep 5
	waited=$((waited + 5))
done
[ $waited -eq 0 ] || echo "guest-e2e: waited ${waited}s for another QEMU"

# --- one boot ----------------------------------------------------------------------------
rm -f "$LOG"	# an old log must not pass for this run's
boot_start=$(date +%s)
boot_rc=0
lab/run-payload.sh --name "$NAME" --build "$B" --payload "$P0" --domu-payload "$PU" \
	--xen patched --timeout "${GUEST_E2E_TIMEOUT:-900}" >"$LAB/$NAME-boot.out" 2>&1 || boot_rc=$?
boot_time=$(( $(date +%s) - boot_start ))
grep -vE '^\[' "$LAB/$NAME-boot.out" | tail -n 5 || true
[ -f "$LOG" ] || { tail -n 20 "$LAB/$NAME-boot.out"; fail boot "no serial log $LOG (lab/run-payload.sh exited $boot_rc)"; exit 1; }

tr -d '\r' <"$LOG" >"$LAB/$NAME.clean.log"
lab_results "$LAB/$NAME.clean.log" "$LAB/$NAME.results" guest-e2e 400
require_results "$LAB/$NAME.results" guest-e2e module.loaded handshake.connect handshake.guest_connected \
	zero_fill.correct zero_fill.resolved_99pct zero_fill.accounting \
	fault_around.correct fault_around.fewer_faults \
	bounce_all.correct bounce_all.nothing_offloaded bounce_all.same_results \
	handshake.xen_areas_mapped zero_fill.notifications_bounded fault_around.notifications_bounded \
	map_unmap.notifications_bounded munmap_race.connect munmap_race.two_vcpus munmap_race.correct \
	munmap_race.no_orphans munmap_race.memfree_baseline munmap_race.kernel_clean \
	prot_denied.sigsegv prot_denied.counted disconnect.unmapped disconnect.guest_offers_again \
	disconnect.xen_areas_unmapped disconnect.correct disconnect.guest_handles_all \
	reconnect.connect reconnect.guest_connected reconnect.correct reconnect.offloaded \
	shim.correct shim.offloaded map_unmap.correct map_unmap.memfree_baseline \
	map_unmap.accounting guest.kernel_clean unload.rmmod unload.pages_freed unload.reconnect \
	destroy.while_faulting destroy.xl_list_clean destroy.xen_state_freed \
	destroy.memory_returned xen_alive_at_end

end=$(grep -oE 'XFO-LAB-END rc=[0-9]+' "$LAB/$NAME.clean.log" | head -n 1 || true)
if [ -z "$end" ]; then
	fail boot "dom0 never printed XFO-LAB-END (boot exited $boot_rc; log: $LOG)"
	tail -n 40 "$LAB/$NAME.clean.log"
else
	echo "guest-e2e: note: setup: booted, ${boot_time}s to the end line and power-off"
fi

# Xen's and the kernels' own word: crashes, and leaks Xen warns about.
lab_clean_log "$LAB/$NAME.clean.log" "$LOG"
time_note $BUDGET
exit 0
