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

# t NAME RC OUT_ERE ERR_ERE -- ARGS...: runs x ARGS and checks the exit
# status and that stdout / stderr match the EREs (empty: not checked).
t() {
	local name=$1 want=$2 outre=$3 errre=$4
	shift 5
	x "$@"
	if crashed; then
		fail "$name" "crashed (status $rc): $(head -c 400 "$T/err")"
	elif [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, expected $want: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"
	elif [ -n "$outre" ] && ! grep -qE -- "$outre" "$T/out"; then
		fail "$name" "stdout does not match /$outre/: $(head -c 300 "$T/out")"
	elif [ -n "$errre" ] && ! grep -qE -- "$errre" "$T/err"; then
		fail "$name" "stderr does not match /$errre/: $(head -c 300 "$T/err")"
	else
		pass "$name"
	fi
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

# json_holds NAME WHAT CHECK...: the JSON value in $T/out is valid and
# holds every CHECK; otherwise "FAIL NAME: WHAT..." and status 1.
json_holds() {
	local name=$1 what=$2 c why
	shift 2
	if ! "$J" <"$T/out" >/dev/null 2>"$T/jerr"; then
		fail "$name" "${what}invalid JSON: $(cat "$T/jerr"): $(head -c 300 "$T/out")"
		return 1
	fi
	for c in "$@"; do
		if ! why=$(json_has "$c"); then
			fail "$name" "$what$why"
			return 1
		fi
	done
}

# tj NAME RC CHECK... -- ARGS...: runs x -j ARGS and x -p ARGS; each must
# exit with RC and write one valid JSON value that holds every CHECK
# (PATH=VALUE or PATH~ERE, see json_has).
tj() {
	local name=$1 want=$2 checks=() mode
	shift 2
	while [ "$1" != "--" ]; do
		checks+=("$1")
		shift
	done
	shift
	for mode in -j -p; do
		x "$mode" "$@"
		if crashed; then
			fail "$name" "$mode: crashed (status $rc): $(head -c 400 "$T/err")"
			return
		fi
		if [ "$rc" -ne "$want" ]; then
			fail "$name" "$mode: exit status $rc, expected $want: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"
			return
		fi
		json_holds "$name" "$mode: " "${checks[@]}" || return 0
	done
	pass "$name"
}

# jv NAME CHECK...: the JSON x just wrote is valid and holds every CHECK.
jv() {
	local name=$1
	shift
	if crashed; then
		fail "$name" "crashed (status $rc): $(head -c 400 "$T/err")"
		return
	fi
	json_holds "$name" "" "$@" || return 0
	pass "$name"
}
