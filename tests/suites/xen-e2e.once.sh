#!/usr/bin/env bash
# tier: lab
# xen-e2e: the end-to-end test in the QEMU lab (docs/lab.md). Builds the
# patched Xen (`make xen`) when build/xen/xen is missing or older than its
# sources, packs tests/e2e/dom0.sh (dom0) and tests/e2e/domu.sh (a PV
# domU) into the lab's initramfs, boots once under TCG and turns the
# payload's "XFO-E2E PASS|FAIL name" console lines into PASS/FAIL lines.
# Then checks the serial log for Xen or kernel crashes and the time taken.
#
#   tests/suites/xen-e2e.once.sh BUILD_DIR
#
# E2E_TIMEOUT (default 600) bounds the boot; the whole suite should stay
# under 15 minutes on 2 cores, the Xen build and downloads included.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
LAB=build/lab
LOG=$LAB/logs/xen-e2e.log
BUDGET=900
start=$(date +%s)

pass() { echo "PASS e2e.$1"; }
fail() { echo "FAIL e2e.$1: $2"; }
elapsed() { echo $(( $(date +%s) - start )); }
. tests/e2e/host-lib.sh

# --- the patched Xen -----------------------------------------------------------
make_xen xen-e2e "$LAB/make-xen.log" || exit 1

# --- what the payload needs, built without sanitizers --------------------------
bpf_objs=$(for s in bpf/*.bpf.c; do n=${s#bpf/}; echo "$B/bpf/${n%.c}.o"; done)
mkdir -p "$LAB"
# shellcheck disable=SC2086
if ! make --no-print-directory O="$B" SAN=0 "$B/xfoctl" "$B/tests/e2e/xfo_probe" \
	$bpf_objs >"$LAB/userspace.log" 2>&1; then
	tail -n 20 "$LAB/userspace.log"
	fail userspace "xfoctl, xfo_probe or the policies do not build in $B"
	exit 1
fi
case $B in *asan*) echo "xen-e2e: note: $B is a sanitizer build; the lab wants build/rel" ;; esac

# --- the payloads ------------------------------------------------------------
mkdir -p "$LAB"
rm -rf "$LAB/e2e-dom0" "$LAB/e2e-domu"
mkdir -p "$LAB/e2e-dom0" "$LAB/e2e-domu"
cp tests/e2e/dom0.sh "$LAB/e2e-dom0/run.sh"
cp tests/e2e/lib.sh "$LAB/e2e-dom0/lib.sh"
cp tests/e2e/domu.sh "$LAB/e2e-domu/run.sh"

# --- one boot ---------------------------------------------------------------------
rm -f "$LOG"	# an old log must not pass for this run's
lab/run-payload.sh --name xen-e2e --build "$B" \
	--payload "$LAB/e2e-dom0" --domu-payload "$LAB/e2e-domu" \
	--xen patched --timeout "${E2E_TIMEOUT:-600}" 2>&1
boot_rc=$?
[ -f "$LOG" ] || { fail boot "no serial log $LOG (lab/run-payload.sh exited $boot_rc)"; exit 1; }

tr -d '\r' <"$LOG" >"$LAB/xen-e2e.clean.log"
lab_results "$LAB/xen-e2e.clean.log" "$LAB/xen-e2e.results" e2e 200
require_results "$LAB/xen-e2e.results" e2e xen_version counting.faults_seen \
	counting.prog_runs detach_stops_counting zero_fill.verdicts \
	zero_fill.still_bounces refused.status refused.verifier_log swap.status \
	swap.prog_runs swap.xen_healthy abi. domu.eperm_ program.attach_domu \
	program.listed_unattached program.unload program.unload_again \
	program.gone trace.records xen_alive_at_end

end=$(grep -oE 'XFO-LAB-END rc=[0-9]+' "$LAB/xen-e2e.clean.log" | head -n 1)
if [ -z "$end" ]; then
	fail boot "dom0 never printed XFO-LAB-END (boot exited $boot_rc; log: $LOG)"
else
	echo "xen-e2e: note: setup: booted to the end line"
fi

lab_clean_log "$LAB/xen-e2e.clean.log" "$LOG"
time_note $BUDGET
exit 0
