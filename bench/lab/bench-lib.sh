# shellcheck shell=sh
# bench/lab/bench-lib.sh: what the lab benchmark's payloads share
# (bench/lab/dom0.sh in dom0, bench/lab/native.sh on native Linux; busybox
# sh). They source bench.conf first: ROUNDS, MB, LARGE, PAR, FORKS,
# FORKS_BIG, LINES.

# bench_workloads SCOPE...: "ID UNIT COMMAND" for each workload of
# /xfo/workloads in one of the scopes, its sizes substituted.
bench_workloads() {
	grep -v '^#' /xfo/workloads | while read -r id scope unit rest; do
		[ -n "$id" ] || continue
		for want in "$@"; do
			[ "$scope" = "$want" ] || continue
			eval "cmd=\"$rest\""
			# shellcheck disable=SC2154  # set by the eval
			echo "$id $unit $cmd"
		done
	done
}

# bench_record CONFIG ROUND ID UNIT RC RESULT XEN [PERFC]: one record on
# the console, the line bench/lab/report.py reads. RESULT is the
# workload's JSON (or empty), XEN Xen's counters for the domain after it
# (or empty), PERFC Xen's perf counters for the command (a counting boot).
bench_record() {
	echo "XFO-BENCH {\"config\":\"$1\",\"round\":$2,\"id\":\"$3\",\"unit\":\"$4\",\"rc\":$5,\"result\":${6:-null},\"xen\":${7:-null},\"perfc\":${8:-null}}"
}

# bench_result: the workload's JSON in /tmp/bench.out, or nothing.
bench_result() {
	sed -n 's/.*XFO-BENCH-RESULT //p' /tmp/bench.out | head -n 1
}

# bench_sort_input: the real program's input and its expected output,
# sorted by busybox (another implementation than the one timed).
bench_sort_input() {
	xfo-bench lines "$LINES" 1 >/tmp/sort.in && busybox sort /tmp/sort.in >/tmp/sort.expect
}
