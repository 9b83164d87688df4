#!/usr/bin/env bash
# Runs every suite in tests/suites/ once per build variant and prints the
# closing "N passed, N failed" line.
#
# A suite is an executable taking the variant's build directory; it prints
# one line per case, "PASS <name>" or "FAIL <name>: <why>", and may print
# anything else as context. A suite that exits non-zero without printing a
# FAIL line counts as one failure, so a crash is never lost.
# Suites whose name ends in ".once.sh" run only against the first variant.
set -uo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }
log_dir=build/test-logs
mkdir -p "$log_dir"

passed=0
failed=0
first=1
for variant in "$@"; do
	for suite in tests/suites/*.sh; do
		name=$(basename "$suite" .sh)
		case "$suite" in *.once.sh) [ $first -eq 1 ] || continue ;; esac
		log="$log_dir/$(basename "$variant")-$name.log"
		start=$(date +%s)
		"$suite" "$variant" >"$log" 2>&1
		rc=$?
		p=$(grep -c '^PASS ' "$log")
		f=$(grep -c '^FAIL ' "$log")
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL $name: exited $rc without naming a failed case" >>"$log"
			f=1
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		printf '%-6s %-32s %5d passed %4d failed  %4ds\n' \
			"$(basename "$variant")" "$name" "$p" "$f" $(( $(date +%s) - start ))
		grep '^FAIL ' "$log" | head -n 20
		[ "$f" -eq 0 ] || echo "  (full log: $log)"
	done
	first=0
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
