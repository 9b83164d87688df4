#!/usr/bin/env bash
# asm-crosscheck: the project's assembler (tests/common/asm.c, through
# which the conformance programs reach the interpreter) against an
# independent encoder, so that a bug the assembler and the interpreter
# share cannot hide: every conformance program's `-- asm` is assembled by
# tests/cli/asm2raw and by LLVM's llvm-mc (Debian's llvm) behind a syntax
# translation, and compared instruction by instruction. One case per
# instruction form the suite uses (tests/common/asm_crosscheck.py says
# how a form is named); the forms llvm-mc 14 cannot assemble are checked
# against a sample encoded by hand from RFC 9669, and their PASS says so.
#
#   tests/suites/asm-crosscheck.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
. tests/conformance/shared.sh
asm2raw=$B/tests/cli/asm2raw

conformance_present asm-crosscheck || exit 0
if [ ! -x "$asm2raw" ]; then
	echo "FAIL asm-crosscheck: $asm2raw not built (make O=$B test-build)"
	exit 1
fi
llvm_mc=$(command -v llvm-mc) || {
	echo "FAIL asm-crosscheck: llvm-mc not found (Debian's llvm, scripts/deps.sh)"
	exit 1
}
echo "note: $("$llvm_mc" --version | grep -m1 -i 'llvm version')"
exec python3 tests/common/asm_crosscheck.py "$asm2raw" "$llvm_mc" "$conformance_tests"
