#!/usr/bin/env bash
# Runs the suites in tests/suites/ once per build variant and prints the
# closing "N passed, N failed, N skipped" line.
#
# A suite is an executable taking the variant's build directory; it prints
# one line per case, "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>:
# <why>", and may print anything else as context. A suite that exits
# non-zero without printing a FAIL line counts as one failure, so a crash
# is never lost.
# Each PASS counted is a distinct case: a PASS line printed twice by one
# suite counts once, and is one more failure, "FAIL <suite>: duplicate
# case name '<name>'".
# (FAIL and SKIP names are not compared: a name may hold ": ", so where a
# FAIL line's name ends is not known.)
# Suites whose name ends in ".once.sh" run only against the first variant.
# A suite that boots the QEMU lab or builds Xen says so with a line
# "# tier: lab" in its first ten lines; `--tier check` leaves those out
# (`make check`), `--tier all` (the default, `make test`) runs everything.
#
# Usage: tests/run-tests.sh [--tier check|all] BUILD_DIR...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tier=all
if [ "${1:-}" = --tier ]; then
	tier=${2:-}
	shift 2 || true
fi
case $tier in
check|all) ;;
*) echo "$0: --tier takes check or all, not '$tier'" >&2; exit 2 ;;
esac
[ $# -ge 1 ] || { echo "usage: $0 [--tier check|all] BUILD_DIR..." >&2; exit 2; }
log_dir=build/test-logs
mkdir -p "$log_dir"

is_lab_suite() { head -n 10 "$1" | grep -qx '# tier: lab'; }

passed=0
failed=0
skipped=0
first=1
for variant in "$@"; do
	for suite in tests/suites/*.sh; do
		name=$(basename "$suite" .sh)
		case "$suite" in *.once.sh) [ $first -eq 1 ] || continue ;; esac
		[ "$tier" = all ] || ! is_lab_suite "$suite" || continue
		log="$log_dir/$(basename "$variant")-$name.log"
		start=$(date +%s)
		"$suite" "$variant" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^PASS //p' "$log" | sort -u | wc -l)
		f=$(grep -c '^FAIL ' "$log")
		s=$(grep -c '^SKIP ' "$log")
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL $name: exited $rc without naming a failed case" >>"$log"
			f=1
		fi
		while IFS= read -r dup; do
			echo "FAIL $name: duplicate case name '$dup'" >>"$log"
			f=$((f + 1))
		done < <(sed -n 's/^PASS //p' "$log" | sort | uniq -d)
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		printf '%-6s %-32s %5d passed %4d failed %3d skipped %4ds\n' \
			"$(basename "$variant")" "$name" "$p" "$f" "$s" $(( $(date +%s) - start ))
		grep -E '^(FAIL|SKIP) ' "$log" | head -n 20
		[ "$f" -eq 0 ] || echo "  (full log: $log)"
	done
	first=0
done

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
