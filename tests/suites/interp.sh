#!/usr/bin/env bash
# The project's own interpreter, assembler and disassembler cases
# (tests/interp/*.data), run by the conformance runner. Each program runs in
# the checked interpreter and, when that succeeds, in the unchecked one,
# which must agree.
# Usage: tests/suites/interp.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

build=${1:?usage: $0 BUILD_DIR}
runner=$build/tests/conformance/xfo-conformance-runner
plugin=$build/xfo-conformance-plugin

for bin in "$runner" "$plugin"; do
	if [ ! -x "$bin" ]; then
		echo "FAIL interp: $bin not built (make O=$build test-build)"
		exit 1
	fi
done

exec "$runner" --plugin "$plugin" --options --unchecked tests/interp
