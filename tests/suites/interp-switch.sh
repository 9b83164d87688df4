#!/usr/bin/env bash
# The interpreter's switch form (core/interp.c: what a Xen built with
# retpolines runs) on the conformance suite and on tests/interp, checked
# and unchecked, through xfo-conformance-plugin --switch. Cases are named
# "switch:<file>" (tests/interp's "switch:interp/<file>") so they stay
# apart from the threaded form's.
# Usage: tests/suites/interp-switch.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

build=${1:?usage: $0 BUILD_DIR}
. tests/conformance/shared.sh
tests=$conformance_tests
runner=$build/tests/conformance/xfo-conformance-runner
plugin=$build/xfo-conformance-plugin

# Without the shared suite, tests/interp alone.
conformance_present switch:conformance || tests=""
for bin in "$runner" "$plugin"; do
	if [ ! -x "$bin" ]; then
		echo "FAIL interp-switch: $bin not built (make O=$build test-build)"
		exit 1
	fi
done

# tests/interp has files named like the shared suite's (other programs):
# its cases are "switch:interp/<file>".
rc=0
if [ -n "$tests" ]; then
	"$runner" --plugin "$plugin" --options "--switch --unchecked" \
		--expected-failures tests/conformance/expected-failures.txt "$tests" |
		sed -E 's/^(PASS|FAIL|XFAIL) /\1 switch:/' || rc=1
fi
"$runner" --plugin "$plugin" --options "--switch --unchecked" tests/interp |
	sed -E 's|^(PASS\|FAIL\|XFAIL) |\1 switch:interp/|' || rc=1
exit $rc
