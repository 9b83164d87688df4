#!/usr/bin/env bash
# The eBPF conformance suite (../shared/conformance/tests, read in place)
# against the checked core interpreter through xfo-conformance-plugin.
# Usage: tests/suites/conformance.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

build=${1:?usage: $0 BUILD_DIR}
. tests/conformance/shared.sh
tests=$conformance_tests
runner=$build/tests/conformance/xfo-conformance-runner
plugin=$build/xfo-conformance-plugin

conformance_present conformance || exit 0
for bin in "$runner" "$plugin"; do
	if [ ! -x "$bin" ]; then
		echo "FAIL conformance: $bin not built (make O=$build test-build)"
		exit 1
	fi
done

exec "$runner" --plugin "$plugin" \
	--expected-failures tests/conformance/expected-failures.txt "$tests"
