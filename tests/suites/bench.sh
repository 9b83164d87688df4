#!/usr/bin/env bash
# bench-core's baseline computes what the interpreter computes: for every
# example policy, bench_core --runs gives the same sum of verdicts over its
# fault contexts natively, in xfo_vm_run() and in the Xen form. A native
# policy that drifted from its eBPF build would make every ratio in
# docs/PERFORMANCE.md meaningless. Also: --runs refuses what it cannot run.
# Usage: tests/suites/bench.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

build=${1:?usage: $0 BUILD_DIR}
bench=$build/bench/bench_core
runs=1000

if [ ! -x "$bench" ]; then
	echo "FAIL bench: $bench not built (make O=$build test-build)"
	exit 1
fi

for policy in bounce_all zero_fill fault_around region_quota counting; do
	obj=$build/bpf/$policy.bpf.o
	if [ ! -f "$obj" ]; then
		echo "FAIL bench-same-verdicts:$policy: $obj not built"
		continue
	fi
	sums=()
	for side in native interp xen-form; do
		sums+=("$("$bench" --runs "$side" "$policy" $runs "$build/bpf" 2>&1)")
	done
	if [ "${sums[0]}" = "${sums[1]}" ] && [ "${sums[0]}" = "${sums[2]}" ] &&
	   [[ ${sums[0]} =~ ^[0-9]+$ ]]; then
		echo "PASS bench-same-verdicts:$policy"
	else
		echo "FAIL bench-same-verdicts:$policy: native '${sums[0]}'," \
		     "interpreter '${sums[1]}', Xen form '${sums[2]}'"
	fi
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
exit 0
