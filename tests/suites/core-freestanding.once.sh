#!/usr/bin/env bash
# core/ must build freestanding, as Xen compiles it: every core/*.c with gcc
# and clang under the flags of `make core-freestanding`, and each including
# only "private.h" and then "xfo_core.h" (besides core headers).
# Usage: tests/suites/core-freestanding.once.sh BUILD_DIR (unused)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

# shellcheck disable=SC2016  # $(...) is make's, not the shell's
flags=$(make -s --no-print-directory \
	--eval 'print-core-freestanding-flags: ; @echo $(CORE_FREESTANDING_FLAGS)' \
	print-core-freestanding-flags 2>/dev/null)
if [ -z "$flags" ]; then
	echo "FAIL core-freestanding: cannot read CORE_FREESTANDING_FLAGS from the Makefile"
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

for f in core/*.c; do
	# The first two includes are private.h then xfo_core.h; any other
	# include must be a core header in quotes.
	incs=$(grep -E '^[[:space:]]*#[[:space:]]*include' "$f" |
		sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*//')
	first=$(echo "$incs" | sed -n 1p)
	second=$(echo "$incs" | sed -n 2p)
	bad=$(echo "$incs" | grep -v '^"' || true)
	if [ "$first" != '"private.h"' ] || [ "$second" != '"xfo_core.h"' ]; then
		echo "FAIL includes $f: must include \"private.h\" then \"xfo_core.h\" first"
	elif [ -n "$bad" ]; then
		echo "FAIL includes $f: includes $bad"
	else
		echo "PASS includes $f"
	fi
done

for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		echo "FAIL $cc: not installed"
		continue
	fi
	for f in core/*.c; do
		# shellcheck disable=SC2086
		if $cc $flags -c -o /dev/null "$f" >"$log" 2>&1; then
			echo "PASS $cc $f"
		else
			echo "FAIL $cc $f: $(head -n 3 "$log" | tr '\n' ' ')"
			cat "$log"
		fi
	done
	# The interpreter's switch form, which retpoline builds of Xen use.
	# shellcheck disable=SC2086
	if $cc $flags -DXFO_INTERP_SWITCH -c -o /dev/null core/interp.c >"$log" 2>&1; then
		echo "PASS $cc core/interp.c switch form"
	else
		echo "FAIL $cc core/interp.c switch form: $(head -n 3 "$log" | tr '\n' ' ')"
		cat "$log"
	fi
done

if make -s --no-print-directory core-freestanding >"$log" 2>&1; then
	echo "PASS make core-freestanding"
else
	echo "FAIL make core-freestanding: $(head -n 3 "$log" | tr '\n' ' ')"
fi
