#!/usr/bin/env bash
# README.md's console lines run as written: every "$ " command in a
# ```console block (with its "\" continuation lines) is run by bash from
# the top of the repository and must exit 0. The commands name build/rel,
# so this runs once, after `make test-build` has made that variant.
# Usage: tests/suites/readme.once.sh BUILD_DIR (unused)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# One file per command: $T/cmd.N, its README line number in $T/line.N.
awk -v dir="$T" '
	/^```console[[:space:]]*$/ { inblock = 1; next }
	/^```/ { inblock = 0; next }
	!inblock { next }
	cont { print substr($0, 1) >> file; cont = /\\$/; next }
	/^\$ / {
		n++
		file = dir "/cmd." n
		print substr($0, 3) > file
		print NR > (dir "/line." n)
		cont = /\\$/
	}
	END { print n + 0 > (dir "/count") }
' README.md

count=$(cat "$T/count")
if [ "$count" -eq 0 ]; then
	echo "FAIL readme: README.md has no console commands to run"
	exit 0
fi
for ((i = 1; i <= count; i++)); do
	line=$(cat "$T/line.$i")
	first=$(head -n 1 "$T/cmd.$i" | cut -c1-60)
	name="README.md:$line: $first"
	if bash -euo pipefail "$T/cmd.$i" >"$T/out" 2>&1; then
		echo "PASS $name"
	else
		echo "FAIL $name: exit $?: $(tail -n 3 "$T/out" | tr '\n' ' ' | cut -c1-300)"
	fi
done
