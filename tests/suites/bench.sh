#!/usr/bin/env bash
# bench-core's baseline computes what the interpreter computes: for every
# example policy, bench_core --check runs it natively, in xfo_vm_run() and
# in the Xen form (the switch dispatch under retpolines) over the same
# fault contexts, and compares each run's verdict, context by context, and
# the maps after the runs; a run error fails the side. One case per policy
# and interpreter side. A native policy that drifted from its eBPF build,
# or an interpreter that computes something else, would make every ratio
# in docs/PERFORMANCE.md meaningless. Also: bench_core refuses what it
# cannot run.
# Usage: tests/suites/bench.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

build=${1:?usage: $0 BUILD_DIR}
bench=$build/bench/bench_core
runs=1000
sides=(interp xen-form)

if [ ! -x "$bench" ]; then
	echo "FAIL bench: $bench not built (make O=$build test-build)"
	exit 1
fi

for policy in bounce_all zero_fill fault_around region_quota counting; do
	obj=$build/bpf/$policy.bpf.o
	if [ ! -f "$obj" ]; then
		for side in "${sides[@]}"; do
			echo "FAIL bench-same-as-native:$policy:$side: $obj not built"
		done
		continue
	fi
	out=$("$bench" --check "$policy" $runs "$build/bpf" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	for side in "${sides[@]}"; do
		# bench_core prints a side's "same as native" line only when
		# every run and map of that side was; it exits 1 when another
		# side was not, anything else when it failed as a whole.
		if [ $rc -le 1 ] && grep -q "^$side: same as native: " <<<"$out"; then
			echo "PASS bench-same-as-native:$policy:$side"
		else
			why=$(grep "^$side: " <<<"$out" | head -n 3 | tr '\n' ' ')
			echo "FAIL bench-same-as-native:$policy:$side: exit $rc," \
			     "${why:-no line for $side: $(tail -n 1 <<<"$out")}"
		fi
	done
done

# Bad arguments: exit 2 and a message naming what was wrong.
check_refused() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$bench" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && [[ $out == *"$want"* ]]; then
		echo "PASS bench-refuses:$name"
	else
		echo "FAIL bench-refuses:$name: exit $rc, output '$out'"
	fi
}
check_refused unknown-side "no side 'jit'" --runs jit zero_fill 1 "$build/bpf"
check_refused unknown-policy "no policy 'nope'" --runs native nope 1 "$build/bpf"
check_refused bad-count "'12x' is not a count" --runs native zero_fill 12x "$build/bpf"
check_refused check-unknown-policy "no policy 'nope'" --check nope 1 "$build/bpf"
check_refused check-bad-count "'0' is not a count" --check zero_fill 0 "$build/bpf"
exit 0
