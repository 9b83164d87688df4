#!/usr/bin/env bash
# bench-lab-report: the lab benchmark's host side without the lab. The
# report (bench/lab/report.py) on fabricated serial logs whose ratios are
# known, a wrong answer, a missing configuration, a garbled record and a
# payload error each failing the run by name, and the PERFORMANCE.md
# splice (tests/bench/lab_report_test.py); then the workload binary on
# this host: its own checks, and arguments it refuses by name.
#
#   tests/suites/bench-lab-report.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
W=$B/bench/lab/xfo-bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass() { echo "PASS bench-lab-report.$1"; }
fail() { echo "FAIL bench-lab-report.$1: $2"; }

python3 tests/bench/lab_report_test.py || fail lab_report_test "exited $?"

[ -x "$W" ] || { fail workload "$W is not built"; exit 1; }
# holds NAME WANT_RC ERE CMD...: exit status and output (both streams).
holds() {
	local name=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq "$want" ] && grep -qE -- "$re" <<<"$out"; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want): $(head -c 300 <<<"$out")"
	fi
}
holds workload.anon_write_checked 0 '"ok":true,"bad_pages":0' "$W" touch anon write 4
holds workload.anon_read_checked 0 '"access":"read".*"ok":true' "$W" touch anon read 4
holds workload.null_record 0 '"workload":"null".*"ok":true' "$W" null
holds workload.populate 0 '"workload":"populate".*"ok":true' "$W" populate 4
holds workload.fork_touched_children_see_parent 0 '"bad_children":0' "$W" fork-exit 3 4
holds workload.fork_exec 0 '"workload":"fork-exec".*"ok":true' "$W" fork-exec 3
holds workload.parallel_two_threads 0 '"ns_cpu1":[1-9]' "$W" parallel anon 2
"$W" lines 50 7 >"$T/in"
sort "$T/in" >"$T/expect"
holds workload.run_same_output 0 '"same_output":true,"ok":true' "$W" run "$T/expect" sort "$T/in"
holds workload.run_other_output_fails 1 '"same_output":false,"ok":false' "$W" run "$T/in" sort "$T/in"
holds workload.run_failing_program_fails 1 '"exit":1,.*"ok":false' "$W" run "$T/expect" false
holds workload.region_without_device_named 1 '/dev/xfo: No such file' "$W" touch region write 1
holds refuses.size_zero 2 "size in MiB '0' is not a number" "$W" touch anon write 0
holds refuses.size_junk 2 "size in MiB '4k' is not a number" "$W" populate 4k
holds refuses.unknown_memory 2 'touch takes region\|anon' "$W" touch heap write 4
holds refuses.unknown_command 2 'unknown command' "$W" frobnicate
exit 0
