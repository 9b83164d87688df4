# tests/conformance/shared.sh: where the eBPF conformance suite is.
# shellcheck shell=bash
# It is shared test data beside the repository (../shared/conformance),
# not part of it: a clone of its own has none. Sourced by the suites that
# read it, from the top of the repository.

conformance_tests=../shared/conformance/tests

# conformance_present CASE: status 0 when the suite is there. Otherwise
# prints "SKIP CASE: ..." naming the path looked for, or under CI=true,
# where shared/ always sits beside the clone, "FAIL CASE: ...".
conformance_present() {
	[ -d "$conformance_tests" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "FAIL $1: $(realpath -m "$conformance_tests") not found (under CI, shared/ must sit beside the repository)"
	else
		echo "SKIP $1: $(realpath -m "$conformance_tests") not found (put shared/, with the eBPF conformance suite, beside the repository)"
	fi
	return 1
}
