#!/usr/bin/env bash
# tier: lab
# stock-xen: xfo against Debian's stock Xen, which has no xfo hypercall,
# in the QEMU lab (docs/lab.md): the ENOSYS that tests/suites/cli-xen.sh
# shows against a fake libxencall, from real Xen. One boot of Debian's
# Xen (`--xen debian`) with tests/e2e/stock-dom0.sh in dom0: xfoctl's
# xen, domain and program commands fail with the error naming a Xen
# without xfo, in text and in JSON; dom0 works (xl info); xfo_guest.ko
# loaded in dom0 frees every page at unload on Xen's -ENOSYS. The
# payload's "XFO-E2E PASS|FAIL name" lines become "PASS|FAIL
# stock-xen.name"; then the serial log is checked for crashes.
#
#   tests/suites/stock-xen.once.sh BUILD_DIR
#
# Waits (at most STOCK_XEN_QEMU_WAIT s, default 600) while another QEMU
# runs on the host. STOCK_XEN_TIMEOUT (default 300) bounds the boot.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
LAB=build/lab
NAME=stock-xen
LOG=$LAB/logs/$NAME.log
BUDGET=600
start=$(date +%s)

pass() { echo "PASS $NAME.$1"; }
fail() { echo "FAIL $NAME.$1: $2"; }
elapsed() { echo $(( $(date +%s) - start )); }
. tests/e2e/host-lib.sh
mkdir -p "$LAB/logs"

# --- what the payload needs, built without sanitizers --------------------------
case $B in *asan*) echo "$NAME: note: $B is a sanitizer build; the lab wants build/rel" ;; esac
ko=build/guest/kmod/xfo_guest.ko
if ! make --no-print-directory O="$B" SAN=0 "$B/xfoctl" "$B/bpf/counting.bpf.o" guest-kmod \
	>"$LAB/$NAME-build.log" 2>&1 || [ ! -f "$ko" ]; then
	tail -n 20 "$LAB/$NAME-build.log"
	fail build "xfoctl, counting.bpf.o or xfo_guest.ko (make guest-kmod) do not build (log: $LAB/$NAME-build.log)"
	exit 1
fi
echo "$NAME: note: setup: xfoctl, counting.bpf.o and xfo_guest.ko are built"

# --- the payload ----------------------------------------------------------------------
P0=$LAB/$NAME-dom0
rm -rf "$P0"
mkdir -p "$P0"
cp tests/e2e/stock-dom0.sh "$P0/run.sh"
cp tests/e2e/lib.sh "$P0/lib.sh"
cp "$ko" "$P0/"

# --- one boot of Debian's Xen -------------------------------------------------------
wait_for_qemu "$NAME" "${STOCK_XEN_QEMU_WAIT:-600}"
rm -f "$LOG"	# an old log must not pass for this run's
boot_start=$(date +%s)
boot_rc=0
lab/run-payload.sh --name "$NAME" --build "$B" --payload "$P0" \
	--xen debian --timeout "${STOCK_XEN_TIMEOUT:-300}" >"$LAB/$NAME-boot.out" 2>&1 || boot_rc=$?
boot_time=$(( $(date +%s) - boot_start ))
grep -vE '^\[' "$LAB/$NAME-boot.out" | tail -n 5 || true
[ -f "$LOG" ] || { tail -n 20 "$LAB/$NAME-boot.out"; fail boot "no serial log $LOG (lab/run-payload.sh exited $boot_rc)"; exit 1; }

tr -d '\r' <"$LOG" >"$LAB/$NAME.clean.log"
# The ENOSYS cases mean something only if this was Debian's Xen, not the
# patched one (its banner says "+xfo").
banner=$(grep -oE '\(XEN\) Xen version .*' "$LAB/$NAME.clean.log" | head -n 1)
if [ -z "$banner" ]; then
	fail boot "no Xen version line in $LOG"
elif grep -q '+xfo' <<<"$banner"; then
	fail boot "the patched Xen booted, not Debian's: $banner"
else
	echo "$NAME: note: setup: booted Debian's Xen: $(sed -E 's/^\(XEN\) //; s/(\([^)]*\)).*/\1/' <<<"$banner")"
fi

lab_results "$LAB/$NAME.clean.log" "$LAB/$NAME.results" "$NAME" 100
require_results "$LAB/$NAME.results" "$NAME" dom0.xl_info enosys.xen_version \
	enosys.xen_version_json enosys.domain_stats enosys.domain_attach_json \
	enosys.program_list module.unload_enosys

end=$(grep -oE 'XFO-LAB-END rc=[0-9]+' "$LAB/$NAME.clean.log" | head -n 1 || true)
if [ -z "$end" ]; then
	fail boot "dom0 never printed XFO-LAB-END (boot exited $boot_rc; log: $LOG)"
	tail -n 40 "$LAB/$NAME.clean.log"
else
	echo "$NAME: note: setup: booted, ${boot_time}s to the end line and power-off"
fi

lab_no_crash_lines "$LAB/$NAME.clean.log" "$LOG"
time_note $BUDGET
exit 0
