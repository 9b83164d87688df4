#!/usr/bin/env bash
# dom0's side of the guest handshake, offline (lib/guest_handshake.c,
# `xfoctl domain connect` and `disconnect` in cli/domain.c):
#   - handshake_test: the parsing and checks of the guest's keys, good and
#     malformed values;
#   - xfoctl with a fake libxenstore (tests/e2e/fake_xenstore.so, a text
#     file of path=value lines) and the fake Xen (fake_xencall.so)
#     preloaded: connect, already connected, disconnect, refusals (bad
#     keys, another major version, Xen's refusal, a Xen without the
#     resolver, areas still mapped), not ready, --wait, no domain, no
#     module, a guest republishing while dom0 answers, transaction
#     conflicts, no xenstore, a domU's xfoctl; text and JSON.
# The real handshake runs in the lab (tests/suites/guest-e2e.once.sh).
#
#   tests/suites/guest-handshake.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
. tests/cli/lib.sh		# X, J, T
FXC=$B/tests/e2e/fake_xencall.so
FXS=$B/tests/e2e/fake_xenstore.so

run_unit handshake_test "$B/tests/e2e/handshake_test"
for f in "$X" "$J" "$FXC" "$FXS"; do
	[ -e "$f" ] || { fail setup "$f is not built"; exit 1; }
done

XS=$T/xs
XEN=$T/xen
D=/local/domain/1/data/xfo
MODE=""
XMODE=""
# x ARGS...: xfoctl with both fakes; stdout $T/out, stderr $T/err, rc.
x() {
	env LD_PRELOAD="$FXC:$FXS" XFO_FAKE_XEN="$XEN" XFO_FAKE_XS="$XS" \
		XFO_FAKE_XS_MODE="$MODE" XFO_FAKE_XEN_MODE="$XMODE" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$X" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# The store: a guest (domain 1) whose module published its keys, and dom0.
guest() {
	local state=${1:-3}
	cat >"$XS" <<EOF
/local/domain/0/domid=0
/local/domain/1/domid=1
/local/domain/1/name=guest
$D/state=$state
$D/version=0x00010000
$D/region-table-frame=1001
$D/pool-ring-frame=1002
$D/completion-ring-frame=1003
$D/event-channel=9
EOF
}
# key K V: sets a key of the guest ('-' removes it).
key() {
	grep -v "^$D/$1=" "$XS" >"$XS.new"
	[ "$2" = - ] || printf '%s=%s\n' "$D/$1" "$2" >>"$XS.new"
	mv "$XS.new" "$XS"
}
# store_holds KEY ERE: the guest's KEY matches ^ERE$ ('' for absent);
# otherwise sets why and returns 1.
store_holds() {
	local got
	got=$(sed -n "s|^$D/$1=||p" "$XS")
	why="$D/$1 is '$got', expected /^$2\$/"
	grep -qE -- "^$2\$" <<<"$got"
}
# areas_hold ERE: the fake Xen's mappings ("areas DOMID ..." lines),
# joined by ';', match ^ERE$; otherwise sets why and returns 1.
areas_hold() {
	local got
	got=$(grep '^areas' "$XEN.txt" 2>/dev/null | paste -sd';')
	why="fake Xen maps '$got', expected /^$1\$/"
	grep -qE -- "^$1\$" <<<"$got"
}

# ------------------------------------------------------------------------
# Help and usage
# ------------------------------------------------------------------------
t help_connect 0 'domain connect DOMID \[--wait SECONDS\]' '' -- domain help
t help_disconnect 0 'domain disconnect DOMID$' '' -- domain help
t help_connect_text 0 'backend-state 6 \(Closed\) and the reason in' '' -- domain help
t usage_connect_missing 2 '' 'domain connect: missing DOMID' -- domain connect
t usage_disconnect_missing 2 '' 'domain disconnect: missing DOMID' -- domain disconnect
t usage_connect_bad_domid 2 '' "DOMID must be 0\.\.32751, not '32752'" -- domain connect 32752
t usage_connect_extra 2 '' "domain connect: unexpected argument '2'" -- domain connect 1 2
t usage_connect_wait_value 2 '' "option '--wait' needs a value" -- domain connect 1 --wait
for s in 0 abc -1 1.2345 86401; do
	t "usage_connect_wait_$s" 2 '' "--wait: '$s' is not a number of seconds in 0\.001\.\.86400" -- domain connect 1 --wait "$s"
done
t usage_disconnect_no_wait 2 '' "unknown option '--wait'" -- domain disconnect 1 --wait 1
t usage_connect_no_replace 2 '' "unknown option '--replace'" -- domain connect 1 --replace

# ------------------------------------------------------------------------
# Connect, connected already, disconnect
# ------------------------------------------------------------------------
rm -f "$XEN" "$XEN.txt"
guest 3
MODE=guest
# One case: the answer, the guest moving to Connected, backend-state 4,
# no backend-error, Xen mapping the areas.
t_holds 0 '^connected domain 1: region table frame 1001, pool ring frame 1002, completion ring frame 1003, event channel 9, interface 1\.0$' '' -- domain connect 1 &&
	out_holds '^the guest is in state 4 \(Connected\)$' &&
	store_holds backend-state 4 && store_holds backend-error '' &&
	areas_hold 'areas 1 1001 1002 1003 9 0x00010000'
verdict $? connect
t_holds 0 '^domain 1 is connected already \(state 4, backend-state 4, Xen has its areas\): nothing done$' '' -- domain connect 1 &&
	areas_hold 'areas 1 1001 1002 1003 9 0x00010000'
verdict $? connect_already
x -j domain connect 1
jv_holds domid=1 connected=true already_connected=true version=0x00010000 region_table_frame=1001 pool_ring_frame=1002 completion_ring_frame=1003 event_channel=9 backend_state=4 guest_state=4 &&
	areas_hold 'areas 1 1001 1002 1003 9 0x00010000'
verdict $? connect_already_json
x -j domain stats 1
jv stats_areas_mapped domid=1 areas_mapped=true

t_holds 0 "^Xen no longer uses domain 1's areas; backend-state 6 written$" '' -- domain disconnect 1 &&
	areas_hold '' && store_holds backend-state 6 &&
	store_holds backend-error 'dom0 disconnected the areas'
verdict $? disconnect
x -j domain stats 1
jv stats_areas_unmapped domid=1 areas_mapped=false
# Nothing mapped: Xen says 0 all the same; no second answer written.
t disconnect_again 0 "^Xen no longer uses domain 1's areas$" '' -- domain disconnect 1
x -j domain disconnect 1
jv disconnect_again_json domid=1 unmapped=true backend_state=null
t disconnect_no_domain 1 '' 'no domain 5 \(ESRCH\)' -- domain disconnect 5

# Connected in the guest's eyes but dom0 said 6: it must offer again.
t_holds 1 '' "^Error: domain 1 is not ready for the handshake: domain 1's state is 4 \(Connected\), not 3 \(Initialised\)$" -- domain connect 1 &&
	areas_hold ''
verdict $? connect_state4_after_disconnect

# A guest that writes Connected for both sides: Xen decides.
key backend-state 4
t_holds 0 '^connected domain 1: region table frame 1001' '' -- domain connect 1 &&
	areas_hold 'areas 1 1001 1002 1003 9 0x00010000'
verdict $? connect_forged_maps
x domain disconnect 1
key state 4
key backend-state 4
XMODE=noresolver
t_holds 1 '' "^Error: domain 1 says it is connected, but Xen does not have its areas and refuses them: this Xen does not implement" -- domain connect 1 &&
	store_holds backend-state 4
verdict $? connect_forged_refused
XMODE=""
key backend-state 6

# The guest offers again (its module reloaded): JSON this time.
key state 3
x -j domain connect 1
jv_holds domid=1 connected=true already_connected=false version=0x00010000 region_table_frame=1001 pool_ring_frame=1002 completion_ring_frame=1003 event_channel=9 backend_state=4 guest_state=4 &&
	store_holds backend-state 4 && store_holds backend-error ''
verdict $? connect_json
x -j domain disconnect 1
jv disconnect_json domid=1 unmapped=true backend_state=6

# A guest that does not move to Connected: still connected, said so.
MODE=""
guest 3
t_holds 0 '^the guest is in state 3 \(Initialised\), not yet 4 \(Connected\), after 3 s$' '' -- domain connect 1 &&
	store_holds backend-state 4
verdict $? connect_guest_slow
x -j domain disconnect 1
jv disconnect_guest_slow domid=1 unmapped=true backend_state=6

# ------------------------------------------------------------------------
# Refusals: backend-state 6 and the reason, nothing mapped
# ------------------------------------------------------------------------
MODE=guest
# refused NAME KEY VALUE ERR_ERE BACKEND_ERROR_ERE: one case,
# connect_refuses_NAME: with KEY set to VALUE, connect fails with ERR_ERE,
# sets backend-state 6 and backend-error BACKEND_ERROR_ERE, leaves the
# guest's state alone and maps nothing.
refused() {
	local name=connect_refuses_$1
	guest 3
	key "$2" "$3"
	if t_holds 1 '' "$4" -- domain connect 1 &&
	   store_holds backend-state 6 && store_holds backend-error "$5" &&
	   store_holds state 3 && areas_hold ''; then
		pass "$name"
	else
		fail "$name" "$why"
	fi
}
refused pool_word pool-ring-frame abc \
	"^Error: refused domain's keys: data/xfo/pool-ring-frame is 'abc': not a decimal frame number$" \
	"data/xfo/pool-ring-frame is 'abc': not a decimal frame number"
refused table_zero region-table-frame 0 "frame 0 is never a guest's page" ".*frame 0.*"
refused same_frames completion-ring-frame 1001 "the same frame as another area" ".*the same frame.*"
refused huge_frame completion-ring-frame 99999999999999999999 "beyond the largest machine frame" ".*beyond.*"
refused too_long pool-ring-frame 111111111111111111111111111111111111111111 \
	"'\(too long or with a NUL byte\)': not a decimal frame number" ".*too long.*"
refused nul_byte pool-ring-frame '12\03' "'\(too long or with a NUL byte\)'" ".*NUL byte.*"
refused evtchn_missing event-channel - "data/xfo/event-channel is missing" "data/xfo/event-channel is missing"
refused evtchn_zero event-channel 0 "not a port number" ".*not a port number.*"
refused version_decimal version 65536 "not an interface version" ".*not an interface version.*"
refused major_2 version 0x00020000 \
	"^Error: refused domain's keys: domain 1 speaks xfo interface 2\.0 \(0x00020000\), this dom0 1\.1: the major versions differ$" \
	"domain 1 speaks xfo interface 2\.0 \(0x00020000\), this dom0 1\.1: the major versions differ"
refused escape_chars pool-ring-frame $'1\e[2J' "is '1\\\\x1b\[2J'" ".*x1b.*"
guest 3
key state x
if t_holds 1 '' "data/xfo/state is 'x': not a XenbusState \(1\.\.6\)" -- domain connect 1 &&
   store_holds backend-state 6; then
	pass connect_refuses_state_word
else
	fail connect_refuses_state_word "$why"
fi

guest 3
key pool-ring-frame abc
x -j domain connect 1
jv refuse_json domid=1 connected=false backend_state=6 'backend_error~pool-ring-frame is .abc.' "error~^refused domain's keys: "

# Xen refuses: its reason goes to the guest.
guest 3
key region-table-frame 666
t_holds 1 '' "^Error: Xen refused domain 1's areas \(its console says why\): a frame that is not the domain's ordinary writable page" -- domain connect 1 &&
	store_holds backend-state 6 &&
	store_holds backend-error "Xen refused domain 1's areas \(its console says why\): .*\(EINVAL\)" &&
	areas_hold ''
verdict $? refuse_xen

# A Xen without the resolver: refused, the guest keeps working.
guest 3
XMODE=noresolver
t_holds 1 '' "this Xen does not implement the map_guest_areas operation \(no resolver built\), or domain 1 is not a 64-bit PV domain \(EOPNOTSUPP\)" -- domain connect 1 &&
	store_holds backend-state 6 &&
	store_holds backend-error "this Xen does not implement the map_guest_areas operation.*"
verdict $? refuse_no_resolver
t disconnect_no_resolver 1 '' "this Xen does not implement the unmap_guest_areas operation" -- domain disconnect 1
XMODE=""

# Areas still mapped (a guest that reloaded without unmapping): refused.
guest 3
# Connected once (connect's own case is above), then offered again.
t_holds 0 '^connected domain 1' '' -- domain connect 1
st=$?
key state 3
key backend-state -
[ $st -eq 0 ] &&
	t_holds 1 '' "domain 1's areas are already mapped; disconnect it first \(EEXIST\)" -- domain connect 1 &&
	store_holds backend-state 6
verdict $? refuse_exists
t_holds 0 "^Xen no longer uses domain 1's areas$" '' -- domain disconnect 1 &&
	areas_hold ''
verdict $? disconnect_exists

# ------------------------------------------------------------------------
# Not ready, --wait, no domain, no module
# ------------------------------------------------------------------------
guest 1
t_holds 1 '' "^Error: domain 1 is not ready for the handshake: domain 1's state is 1 \(Initialising\), not 3 \(Initialised\)$" -- domain connect 1 &&
	store_holds backend-state ''
verdict $? not_ready
# One case: --wait 0.5 says it waited and did, 0.5 s at least.
s0=$(date +%s%N)
t_holds 1 '' "not 3 \(Initialised\) \(waited 0\.500 s\)$" -- domain connect 1 --wait 0.5
st=$?
ms=$(( ($(date +%s%N) - s0) / 1000000 ))
[ $st -eq 0 ] && { why="took $ms ms"; [ $ms -ge 500 ] && [ $ms -lt 5000 ]; }
verdict $? not_ready_wait
# The guest gets there while dom0 waits.
guest 1
( sleep 0.4; key state 3 ) &
t_holds 0 '^connected domain 1' '' -- domain connect 1 -w 10
st=$?
wait
[ $st -eq 0 ] && store_holds backend-state 4
verdict $? wait_then_connect
x domain disconnect 1
# The module is loaded while dom0 waits.
grep -v "^$D/" "$XS" >"$XS.keys"
guest 3
mv "$XS" "$XS.full"
mv "$XS.keys" "$XS"
( sleep 0.4; cp "$XS.full" "$XS" ) &
t wait_for_module 0 '^connected domain 1' '' -- domain connect 1 --wait 10
wait
x domain disconnect 1

guest 3
t no_domain 1 '' '^Error: no domain 5 in xenstore \(/local/domain/5 does not exist\)$' -- domain connect 5
sed -i 's|^/local/domain/1/|/local/domain/7/|' "$XS"
t no_domain_named 1 '' '^Error: no domain 1 in xenstore' -- domain connect 1
guest 3
t no_module 1 '' '^Error: domain 0 has published nothing in /local/domain/0/data/xfo: is xfo_guest.ko loaded in it\?$' -- domain connect 0
x -j domain connect 0
jv no_module_json 'error~^domain 0 has published nothing'
if grep -q "^/local/domain/0/data" "$XS"; then
	fail no_module_nothing_written "$(cat "$XS")"
else
	pass no_module_nothing_written
fi

# ------------------------------------------------------------------------
# Races and failures around the answer
# ------------------------------------------------------------------------
# The guest republishes between dom0's read (transaction 1) and its answer
# (transaction 2): no answer, the areas are let go.
guest 3
MODE=guest,reload:2
t_holds 1 '' "domain 1 published other keys meanwhile \(state 3\): this answer is not for them; the areas were unmapped again" -- domain connect 1 &&
	store_holds backend-state '' && areas_hold ''
verdict $? reload_race
# ... and a refusal is not written on keys it was not for either.
guest 3
key pool-ring-frame abc
MODE=guest,reload:2
t_holds 1 '' "the refusal was not written: domain 1 published other keys meanwhile" -- domain connect 1 &&
	store_holds backend-state ''
verdict $? reload_race_refusal
# Transactions that conflict are retried.
guest 3
MODE=guest,conflict
t_holds 0 '^connected domain 1' '' -- domain connect 1 &&
	store_holds backend-state 4
verdict $? conflict_retried
MODE=guest
x domain disconnect 1
# No xenstore: said, nothing mapped.
guest 3
MODE=noxs
t_holds 1 '' '^Error: cannot open xenstore: No such file or directory \(xenstored must run' -- domain connect 1 &&
	areas_hold ''
verdict $? no_xenstore
MODE=guest
# In a domU: Xen refuses the version query; the store is not touched.
guest 3
XMODE=eperm
t_holds 1 '' 'only the control domain may query the xfo interface \(EPERM\)' -- domain connect 1 &&
	store_holds backend-state ''
verdict $? domu_eperm
XMODE=""

# -d shows the steps.
guest 3
t debug_steps 0 '' 'debug: XFOOP_map_guest_areas domain 1 \(table 1001, pool 1002, completions 1003, port 9, version 0x00010000\): 0' -- -d domain connect 1
x domain disconnect 1

# Linked with libxenstore, as the lab expects. Read from the ELF's
# dynamic section: ldd runs the binary, and a sanitizer build under ldd
# now and then lists nothing but the vDSO.
if readelf -d "$X" 2>/dev/null | grep -q 'NEEDED.*\[libxenstore\.so'; then
	pass dynamic_libxenstore
else
	fail dynamic_libxenstore "the dynamic section needs no libxenstore: $(readelf -d "$X" 2>&1 | grep NEEDED | head -c 300)"
fi
exit 0
