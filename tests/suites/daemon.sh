#!/usr/bin/env bash
# xfod (daemon/): the unit tests of its parts (tests/daemon/), then the
# daemon itself: options, --check-config, the lock between two instances,
# the store and the state file at start, signals. No Xen is involved: this
# xfod has no Xen interface yet (docs/daemon.md).
#
#   tests/suites/daemon.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
. tests/cli/lib.sh		# T, J, pass, fail, t, json_holds
D=$B/xfod
U=$B/tests/daemon

# Daemons this suite started, stopped on any exit.
pids=()
# shellcheck disable=SC2317  # run by the trap
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

for tool in "$D" "$J" "$U/config_test" "$U/rules_test" "$U/store_test"; do
	if [ ! -x "$tool" ]; then
		fail setup "$tool is not built"
		exit 1
	fi
done

# unit NAME ARGS...: run_unit's check, for a test program taking ARGS
# (each gets its scratch directory $T/NAME).
unit() {
	local name=$1 status
	shift
	mkdir -p "$T/$name"
	"$U/$name" "$@" >"$T/unit" 2>"$T/unit.err"
	status=$?
	cat "$T/unit"
	if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$T/unit"; then
		fail "$name" "exited $status without a FAIL line: $(head -c 300 "$T/unit.err")"
	fi
}

zf=$B/bpf/zero_fill.bpf.o
# The store's SHA-256 against coreutils'.
zf_sha=$(sha256sum "$zf" | cut -d' ' -f1)
unit config_test "$T/config_test"
unit rules_test "$T/rules_test"
unit store_test "$B" "$T/store_test" "$zf_sha"

# x ARGS...: runs xfod to its end; stdout in $T/out, stderr in $T/err.
x() {
	# A run that does not end (a daemon that started) fails as 124.
	timeout -k 5 30 "$D" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# conf NAME [LINE...]: $T/NAME.conf with [daemon] state_dir and run_dir in
# $T/NAME, then the lines.
conf() {
	local n=$1
	shift
	mkdir -p "$T/$n"
	{
		printf '[daemon]\nstate_dir = %s\nrun_dir = %s\n' \
			"$T/$n/state" "$T/$n/run"
		printf '%s\n' "$@"
	} >"$T/$n.conf"
}

# start NAME: xfod -f -c $T/NAME.conf in the background, its stderr in
# $T/NAME.log; pid in $pid. ready NAME: waits up to 20 s for its "ready".
start() {
	"$D" -f -c "$T/$1.conf" >"$T/$1.out" 2>"$T/$1.log" &
	pid=$!
	pids+=("$pid")
}
ready() {
	for _ in $(seq 200); do
		grep -q ': info: ready' "$T/$1.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	why="no ready line: $(head -c 400 "$T/$1.log")"
	return 1
}
# stop SIG: sends SIG to $pid and waits; its exit status in rc.
stop() {
	kill "-$1" "$pid"
	wait "$pid" 2>/dev/null	# bash's "Killed" notice is expected
	rc=$?
}

# ------------------------------------------------------------------------
# Options
# ------------------------------------------------------------------------
t version 0 '^xfod v[0-9]+\.[0-9]+' '' -- --version
t version_short 0 '^xfod v[0-9]' '' -- -V
t help 0 '^Usage: xfod \[OPTIONS\]' '' -- -h
t help_names_default_config 0 '/etc/xfo/xfod.conf' '' -- --help
t usage_unknown_option 2 '' "^xfod: unknown option '--bogus'; try 'xfod -h'" -- --bogus
t usage_config_needs_value 2 '' "option '-c' needs a value" -- -c
t usage_extra_argument 2 '' "unexpected argument 'now'" -- -f now

# ------------------------------------------------------------------------
# --check-config
# ------------------------------------------------------------------------
: >"$T/empty.conf"
x --check-config -c "$T/empty.conf"
if [ "$rc" -eq 0 ] && json_holds "" file="$T/empty.conf" file_found=true \
	daemon.log_level=info daemon.state_dir=/var/lib/xfo \
	daemon.run_dir=/run/xfo daemon.socket_group= stats.interval_ms=1000 \
	metrics.listen=127.0.0.1:9577; then
	pass check_config_defaults_json
else
	fail check_config_defaults_json "exit $rc: ${why:-} $(head -c 300 "$T/err")"
fi

conf full 'log_level = debug' '[stats]' 'interval_ms = 500' '[metrics]' \
	'listen = [::1]:9100'
x --check-config -c "$T/full.conf"
if [ "$rc" -eq 0 ] && json_holds "" daemon.log_level=debug \
	daemon.state_dir="$T/full/state" stats.interval_ms=500 \
	'metrics.listen=[::1]:9100'; then
	pass check_config_effective_values
else
	fail check_config_effective_values "exit $rc: ${why:-} $(head -c 300 "$T/err")"
fi

t check_config_explicit_file_missing 1 '' \
	"^xfod: error: $T/none.conf: cannot open: No such file" -- \
	--check-config -c "$T/none.conf"
conf bad 'log_level = loud'
t check_config_bad_value 1 '' \
	"^xfod: error: $T/bad.conf:4: \[daemon\] log_level: 'loud' is not a level" -- \
	--check-config -c "$T/bad.conf"
if [ -s "$T/out" ]; then
	fail check_config_error_prints_no_json "stdout: $(head -c 200 "$T/out")"
else
	pass check_config_error_prints_no_json
fi
conf badkey '[stats]' 'interval = 5'
t check_config_unknown_key 1 '' "badkey.conf:5: \[stats\] interval: unknown key" -- \
	--check-config -c "$T/badkey.conf"
t start_refuses_bad_config 1 '' "bad.conf:4: \[daemon\] log_level" -- \
	-f -c "$T/bad.conf"

# ------------------------------------------------------------------------
# Start, the lock, stop
# ------------------------------------------------------------------------
conf one
start one
first=$pid
if ready one; then pass start_foreground_ready; else fail start_foreground_ready "$why"; fi
if [ "$(cat "$T/one/run/xfod.lock" 2>/dev/null)" = "$first" ]; then
	pass lock_file_holds_pid
else
	fail lock_file_holds_pid "lock file: '$(cat "$T/one/run/xfod.lock" 2>&1)', pid $first"
fi
t second_instance_refused 1 '' \
	"^xfod: error: another xfod is running: pid $first holds the lock $T/one/run/xfod.lock$" -- \
	-f -c "$T/one.conf"
if kill -0 "$first" 2>/dev/null; then
	pass second_instance_leaves_first_running
else
	fail second_instance_leaves_first_running "the first xfod is gone"
fi
pid=$first
stop TERM
if [ "$rc" -eq 0 ] && grep -q 'info: stopping on Terminated' "$T/one.log"; then
	pass sigterm_stops_cleanly
else
	fail sigterm_stops_cleanly "exit $rc: $(tail -c 300 "$T/one.log")"
fi

start one
if ready one; then
	stop INT
	if [ "$rc" -eq 0 ]; then pass sigint_stops_cleanly; else fail sigint_stops_cleanly "exit $rc"; fi
else
	fail sigint_stops_cleanly "$why"
fi

start one
if ready one; then
	stop KILL
	start one
	if ready one; then
		pass lock_freed_by_sigkill
		stop TERM
	else
		fail lock_freed_by_sigkill "$why"
	fi
else
	fail lock_freed_by_sigkill "$why"
fi

# A quiet log: log_level = error says nothing when all is well.
conf quiet 'log_level = error'
start quiet
# Started once it wrote its pid into the lock: a second xfod tried here
# could win the lock first and never exit.
for _ in $(seq 200); do
	[ "$(cat "$T/quiet/run/xfod.lock" 2>/dev/null)" = "$pid" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
stop TERM
if [ "$rc" -eq 0 ] && [ ! -s "$T/quiet.log" ]; then
	pass log_level_error_is_quiet
else
	fail log_level_error_is_quiet "exit $rc, log: $(head -c 300 "$T/quiet.log")"
fi
conf loud 'log_level = debug'
start loud
if ready loud && grep -q "^xfod: debug: configuration: $T/loud.conf$" "$T/loud.log"; then
	pass log_level_debug_shows_debug
else
	fail log_level_debug_shows_debug "${why:-}: $(head -c 300 "$T/loud.log")"
fi
stop TERM

# ------------------------------------------------------------------------
# The store and the state at start
# ------------------------------------------------------------------------
conf st
mkdir -p "$T/st/state/policies"
cp "$zf" "$T/st/state/policies/zero_fill.bpf.o"
cp "$B/tests/cli/refused.bpf.o" "$T/st/state/policies/loops.bpf.o"
cat >"$T/st/state/state.json" <<'JSON'
{"version": 1, "rules": [{"name": "web1", "policy": "zero_fill"},
 {"pattern": "db*", "policy": "missing"}], "default": null}
JSON
start st
if ready st && grep -q 'ready (policies 1, rules 2' "$T/st.log"; then
	pass start_loads_store_and_rules
else
	fail start_loads_store_and_rules "${why:-}: $(head -c 400 "$T/st.log")"
fi
if grep -q "warning: policy store: $T/st/state/policies/loops.bpf.o is left on disk but not listed: .*back-edge" "$T/st.log" &&
	[ -f "$T/st/state/policies/loops.bpf.o" ]; then
	pass start_skips_refused_policy_file
else
	fail start_skips_refused_policy_file "$(head -c 400 "$T/st.log")"
fi
if grep -q "warning: rule 1 (pattern) names policy 'missing', which is not in the store" "$T/st.log"; then
	pass start_warns_rule_without_policy
else
	fail start_warns_rule_without_policy "$(head -c 400 "$T/st.log")"
fi
stop TERM

# refused_state CASE CONTENT PATTERN NAME: xfod refuses to start on a state
# file holding CONTENT, says PATTERN, and leaves the file as it was.
refused_state() {
	conf "$1"
	mkdir -p "$T/$1/state"
	printf '%s' "$2" >"$T/$1/state/state.json"
	cp "$T/$1/state/state.json" "$T/$1.orig"
	x -f -c "$T/$1.conf"
	if [ "$rc" -eq 1 ] && grep -q "$3" "$T/err" &&
		cmp -s "$T/$1.orig" "$T/$1/state/state.json"; then
		pass "$4"
	else
		fail "$4" "exit $rc: $(head -c 300 "$T/err")"
	fi
}
refused_state corrupt '{"version": 1, "rules": [' \
	"^xfod: error: state: $T/corrupt/state/state.json: not valid JSON: line 1" \
	start_refuses_corrupt_state_keeps_file
refused_state newer '{"version": 7, "rules": []}' \
	"state.json: version 7 is not 1, the one this xfod reads" \
	start_refuses_unknown_state_version_keeps_file
exit 0
