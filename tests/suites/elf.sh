#!/usr/bin/env bash
# The policy object loader: example policies, malformed objects and the
# object API (tests/elf/).
set -u
build=$1
cases=$build/tests/elf/cases
rm -rf "$cases"
"$build/tests/elf/gen-bad-elf" "$build/bpf/region_quota.bpf.o" "$cases" ||
	{ echo "FAIL gen-bad-elf: could not write the cases"; exit 1; }
exec "$build/tests/elf/elf-test" "$build" "$cases"
