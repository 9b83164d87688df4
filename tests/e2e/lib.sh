# shellcheck shell=sh
# tests/e2e/lib.sh: helpers of the end-to-end payloads, which run inside
# the lab's dom0 (sourced by tests/e2e/dom0.sh; busybox sh, no bash).
#
# Results are printed as "XFO-E2E PASS name" and "XFO-E2E FAIL name: why",
# a prefix kernel or Xen noise on the same console cannot be mistaken for;
# tests/suites/xen-e2e.once.sh turns them into PASS/FAIL lines.

E2E_FAILS=0

pass() { echo "XFO-E2E PASS $1"; }
fail() {
	name=$1; shift
	echo "XFO-E2E FAIL $name: $*"
	E2E_FAILS=$((E2E_FAILS + 1))
}
# check NAME WHY-IF-NOT CONDITION...: PASS when the test command succeeds.
check() {
	name=$1 why=$2; shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
note() { echo "e2e: $*"; }

# jget JSON KEY: a number in xfoctl's JSON; KEY is "field" (top level) or
# "object.field" (one level down, as verdicts.bounce). Empty when absent.
jget() {
	case $2 in
	*.*)
		printf '%s\n' "$1" |
			sed -n "s/.*\"${2%%.*}\": *{\([^}]*\)}.*/\1/p" |
			sed -n "s/.*\"${2#*.}\": *\([0-9][0-9]*\).*/\1/p" ;;
	*)
		# Drop the nested objects first so "verdict" in one cannot match.
		printf '%s\n' "$1" | sed 's/"[a-z_]*": *{[^}]*}//g' |
			sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" ;;
	esac
}

# stats DOMID: xfoctl's JSON statistics on one line (empty on failure,
# with xfoctl's message on the console).
stats() {
	xfoctl -j domain stats "$1" 2>/tmp/stats.err || {
		note "xfoctl -j domain stats $1 failed: $(cat /tmp/stats.err)"
		return 1
	}
}

# stats_sum JSON OBJECT: the sum of the numbers in one nested object.
stats_sum() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\": *{\([^}]*\)}.*/\1/p" |
		tr ',' '\n' | sed -n 's/.*: *\([0-9][0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}

# probe PREFIX CMD...: runs a command printing "PASS x" / "FAIL x: why"
# lines (xfo_probe) and reprints them as PREFIX.x results; the other lines
# as context. Returns the command's status.
probe() {
	prefix=$1; shift
	"$@" >/tmp/probe.out 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"PASS "*) pass "$prefix.${line#PASS }" ;;
		"FAIL "*) rest=${line#FAIL }
			fail "$prefix.${rest%%:*}" "${rest#*: }" ;;
		*) echo "  | $line" ;;
		esac
	done </tmp/probe.out
	return $rc
}

# eq A B: both numbers present and equal.
eq() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -eq "$2" ]; }
ge() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -ge "$2" ]; }

# domu_ready: what the domU's payload put in $G/ready once its module
# loaded ("1 ..."), or nothing after 90 s.
domu_ready() {
	n=0 r=""
	while [ $n -lt 450 ]; do
		r=$(xenstore-read "$G/ready" 2>/dev/null) && break
		n=$((n + 1)); sleep 0.2
	done
	echo "$r"
}

# domu SECS CMD...: runs CMD in the domU through the command channel of
# tests/e2e/guest-domu.sh (the caller sets G, the domU's data/e2e path,
# and SEQ=0); its output in /tmp/domu.out, shown indented; returns its
# status, 124 without answer.
domu() {
	secs=$1; shift
	SEQ=$((SEQ + 1))
	# -R: the command as it is, backslashes and all.
	xenstore-write -R "$G/req" "$SEQ $*" || { echo "xenstore-write failed" >/tmp/domu.out; return 125; }
	# Every poll costs dom0 a few processes, hypercalls and faults of its
	# own: DOMU_POLL_SLOW=SECONDS (whole) polls that seldom after the
	# first second, for runs that count Xen's events (bench/lab/dom0.sh).
	n=0 waited=0 drc=""	# waited: tenths of a second
	while [ $waited -lt $((secs * 10)) ]; do
		drc=$(xenstore-read "$G/rc-$SEQ" 2>/dev/null) && break
		drc=""
		if [ $n -lt 5 ] || [ -z "${DOMU_POLL_SLOW:-}" ]; then
			sleep 0.2; waited=$((waited + 2))
		else
			sleep "$DOMU_POLL_SLOW"; waited=$((waited + DOMU_POLL_SLOW * 10))
		fi
		n=$((n + 1))
	done
	if [ -z "$drc" ]; then
		echo "no answer from the domU within ${secs}s" >/tmp/domu.out
		echo "  | [$SEQ] $*: no answer within ${secs}s"
		return 124
	fi
	# The value lost its last newline on the way.
	{ xenstore-read -R "$G/out-$SEQ" 2>/dev/null; echo; } >/tmp/domu.out
	xenstore-rm "$G/out-$SEQ" "$G/rc-$SEQ" 2>/dev/null
	echo "  | [$SEQ] $* -> $drc"
	sed 's/^/  |   /' /tmp/domu.out
	return "$drc"
}
