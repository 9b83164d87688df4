# shellcheck shell=bash disable=SC2154  # B, rc and x are the suite's
# The harness of the xfoctl suites (tests/suites/cli.sh, cli-xen.sh,
# guest-handshake.sh), sourced from the top of the tree once the suite
# has set B, the build directory. It sets
#   X    xfoctl,
#   J    the JSON checker, tests/cli/json_check,
#   T    a scratch directory, removed on exit (an EXIT trap);
# before its first case the suite defines
#   x()  runs the program under test with its arguments: stdout in
#        $T/out, stderr in $T/err, the exit status in rc.
# Every case prints "PASS NAME" or "FAIL NAME: WHY" (tests/run-tests.sh).

# shellcheck disable=SC2034  # the suites run X
X=$B/xfoctl
J=$B/tests/cli/json_check
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# A crash or a sanitizer report is a failure whatever the exit status.
crashed() {
	[ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:|Segmentation' "$T/err"
}

# run_unit NAME PROGRAM: runs a unit-test program whose PASS/FAIL lines
# are the suite's; NAME fails when the program is not built or exits
# non-zero without a FAIL line.
run_unit() {
	local name=$1 prog=$2 status
	if [ ! -x "$prog" ]; then
		fail "$name" "$prog is not built"
		return
	fi
	"$prog" >"$T/unit" 2>"$T/unit.err"
	status=$?
	cat "$T/unit"
	if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$T/unit"; then
		fail "$name" "exited $status without a FAIL line: $(head -c 300 "$T/unit.err")"
	fi
}

# t_holds RC OUT_ERE ERR_ERE -- ARGS...: runs x ARGS and checks the exit
# status and that stdout / stderr match the EREs (empty: not checked);
# when one does not hold, sets why and returns 1. Cases that check one
# behaviour over several runs call it and print one line.
t_holds() {
	local want=$1 outre=$2 errre=$3
	shift 4
	x "$@"
	why=
	if crashed; then
		why="crashed (status $rc): $(head -c 400 "$T/err")"
	elif [ "$rc" -ne "$want" ]; then
		why="exit status $rc, expected $want: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"
	elif [ -n "$outre" ] && ! grep -qE -- "$outre" "$T/out"; then
		why="stdout does not match /$outre/: $(head -c 300 "$T/out")"
	elif [ -n "$errre" ] && ! grep -qE -- "$errre" "$T/err"; then
		why="stderr does not match /$errre/: $(head -c 300 "$T/err")"
	fi
	[ -z "$why" ]
}

# out_holds ERE: what the last run wrote on stdout matches ERE; otherwise
# sets why and returns 1.
out_holds() {
	why="stdout does not match /$1/: $(head -c 300 "$T/out")"
	grep -qE -- "$1" "$T/out"
}

# verdict STATUS NAME: the case NAME, for a behaviour checked by a chain
# of *_holds: PASS when STATUS (the chain's $?) is 0, else FAIL with why.
verdict() {
	if [ "$1" -eq 0 ]; then pass "$2"; else fail "$2" "$why"; fi
}

# t NAME RC OUT_ERE ERR_ERE -- ARGS...: the case NAME is t_holds.
t() {
	local name=$1
	shift
	if t_holds "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# json_has CHECK: the JSON value in $T/out holds CHECK, PATH=VALUE or,
# when the text before the first '~' has no '=', PATH~ERE. Otherwise
# prints what PATH holds instead and returns 1.
json_has() {
	local path val got
	if [[ $1 == *"~"* && ${1%%~*} != *"="* ]]; then
		path=${1%%~*} val=${1#*~}
		got=$("$J" "$path" <"$T/out" 2>&1)
		grep -qE -- "$val" <<<"$got" && return 0
		echo "$path is '$got', expected /$val/"
	else
		path=${1%%=*} val=${1#*=}
		got=$("$J" "$path" <"$T/out" 2>&1)
		[ "$got" = "$val" ] && return 0
		echo "$path is '$got', expected '$val'"
	fi
	return 1
}

# json_holds WHAT CHECK...: the JSON value in $T/out is valid and holds
# every CHECK; otherwise sets why to "WHAT..." and returns 1.
json_holds() {
	local what=$1 c
	shift
	if ! "$J" <"$T/out" >/dev/null 2>"$T/jerr"; then
		why="${what}invalid JSON: $(cat "$T/jerr"): $(head -c 300 "$T/out")"
		return 1
	fi
	for c in "$@"; do
		if ! why=$(json_has "$c"); then
			why="$what$why"
			return 1
		fi
	done
	why=
}

# tj_holds RC CHECK... -- ARGS...: runs x -j ARGS and x -p ARGS; each must
# exit with RC and write one valid JSON value that holds every CHECK
# (PATH=VALUE or PATH~ERE, see json_has); otherwise sets why, returns 1.
tj_holds() {
	local want=$1 checks=() mode
	shift
	while [ "$1" != "--" ]; do
		checks+=("$1")
		shift
	done
	shift
	for mode in -j -p; do
		x "$mode" "$@"
		if crashed; then
			why="$mode: crashed (status $rc): $(head -c 400 "$T/err")"
			return 1
		fi
		if [ "$rc" -ne "$want" ]; then
			why="$mode: exit status $rc, expected $want: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"
			return 1
		fi
		json_holds "$mode: " "${checks[@]}" || return 1
	done
}

# tj NAME RC CHECK... -- ARGS...: the case NAME is tj_holds.
tj() {
	local name=$1
	shift
	if tj_holds "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# jv_holds CHECK...: the JSON x just wrote is valid and holds every
# CHECK; otherwise sets why and returns 1.
jv_holds() {
	if crashed; then
		why="crashed (status $rc): $(head -c 400 "$T/err")"
		return 1
	fi
	json_holds "" "$@"
}

# jv NAME CHECK...: the case NAME is jv_holds CHECK...
jv() {
	local name=$1
	shift
	if jv_holds "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
