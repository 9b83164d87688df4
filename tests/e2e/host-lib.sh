# shellcheck shell=bash
# tests/e2e/host-lib.sh: helpers of the lab suites on the host
# (tests/suites/xen-e2e.once.sh, guest-e2e.once.sh, stock-xen.once.sh),
# sourced from the top of the tree. Not a payload file: tests/e2e/lib.sh
# is the one copied into dom0. The functions use the suite's pass, fail and elapsed.

# make_xen SUITE LOG: builds the patched Xen (`make xen`, output in LOG)
# when build/xen/xen is missing or older than hypervisor-patch/, core/,
# include/xfo.h or include/io/xfo_areas.h. Setup, not a case: a note when it worked; "fail make_xen
# WHY" and status 1 when it did not. SUITE names the suite in the lines.
make_xen() {
	local suite=$1 log=$2 stale="" newer

	if ! make -n xen >/dev/null 2>&1; then
		fail make_xen "there is no 'make xen' target (hypervisor-patch/build.mk) to build the patched Xen"
		return 1
	fi
	if [ ! -f build/xen/xen ]; then
		stale="build/xen/xen does not exist"
	else
		newer=$(find hypervisor-patch core include/xfo.h include/io/xfo_areas.h -type f -newer build/xen/xen 2>/dev/null | head -n 1)
		[ -z "$newer" ] || stale="$newer is newer than build/xen/xen"
	fi
	if [ -n "$stale" ]; then
		echo "$suite: make xen ($stale)"
		mkdir -p "$(dirname "$log")"
		if ! make --no-print-directory xen >"$log" 2>&1; then
			tail -n 30 "$log"
			fail make_xen "make xen failed (log: $log)"
			return 1
		fi
		echo "$suite: make xen done after $(elapsed)s"
	fi
	if [ ! -f build/xen/xen ]; then
		fail make_xen "make xen left no build/xen/xen"
		return 1
	fi
	echo "$suite: note: setup: the patched Xen is build/xen/xen"
}

# lab_results CLEAN_LOG RESULTS PREFIX CONTEXT_LINES: the payload's
# "XFO-E2E PASS|FAIL name" console lines, wherever console noise put
# them, become "PASS|FAIL PREFIX.name" in RESULTS and on stdout, after up
# to CONTEXT_LINES lines of the payload's notes ("e2e: ", "  | ",
# "domU| ") for context.
lab_results() {
	local clean=$1 results=$2 prefix=$3 context=$4

	grep -E '^(e2e: |  \| |domU\| )' "$clean" | head -n "$context" || true
	grep -oE 'XFO-E2E (PASS|FAIL) .*' "$clean" |
		sed -E "s/^XFO-E2E (PASS|FAIL) /\\1 $prefix./" >"$results" || true
	cat "$results"
}

# require_results RESULTS PREFIX NAME...: "fail missing.NAME" for each NAME
# (a regex prefix) with no result: a payload cut short leaves them out.
require_results() {
	local results=$1 prefix=$2 want
	shift 2

	for want in "$@"; do
		grep -qE "^(PASS|FAIL) $prefix\\.$want" "$results" ||
			fail "missing.$want" "the payload printed no result for $want"
	done
}

# lab_no_crash_lines CLEAN_LOG LOG: no crash lines from Xen or the
# kernels in the serial log.
lab_no_crash_lines() {
	local clean=$1 log=$2 bad

	bad=$(grep -nE 'Xen BUG|FATAL|Panic on CPU|Kernel panic|general protection fault|BUG: |Bad page' \
		"$clean" | head -n 5 || true)
	if [ -n "$bad" ]; then
		fail serial_log_clean "crash lines in $log: $(echo "$bad" | head -n 1)"
		echo "$bad"
	else
		pass serial_log_clean
	fi
}

# lab_clean_log CLEAN_LOG LOG: no crash lines from Xen or the kernels, and
# no leak Xen warns about, in the serial log.
lab_clean_log() {
	local clean=$1 log=$2 leaks

	lab_no_crash_lines "$clean" "$log"
	leaks=$(grep -nE '^\(XEN\).*([Ll]eak|LEAK|still (holds|has) [0-9]+ page)' "$clean" |
		head -n 5 || true)
	if [ -n "$leaks" ]; then
		fail xen_no_leak_warnings "$(echo "$leaks" | head -n 1)"
		echo "$leaks"
	else
		pass xen_no_leak_warnings
	fi
}

# time_note SECONDS: how long the suite took against its budget. A note:
# timing goals are the benchmarks', and the boot's own timeout is the limit.
time_note() {
	local t

	t=$(elapsed)
	echo "note: the suite took ${t}s (budget $1s)$([ "$t" -le "$1" ] || echo ': OVER BUDGET')"
}

# wait_for_qemu SUITE SECONDS: one QEMU at a time on this host; waits while
# another runs, at most SECONDS, then boots anyway with a note.
wait_for_qemu() {
	local suite=$1 max=$2 waited=0

	while pgrep qemu-system >/dev/null 2>&1; do
		if [ $waited -ge "$max" ]; then
			echo "$suite: note: another QEMU still runs after ${waited}s; booting anyway (timings will be slower)"
			return 0
		fi
		[ $waited -eq 0 ] && echo "$suite: another QEMU runs; waiting (at most ${max}s)"
		sleep 5
		waited=$((waited + 5))
	done
	[ $waited -eq 0 ] || echo "$suite: waited ${waited}s for another QEMU"
}
