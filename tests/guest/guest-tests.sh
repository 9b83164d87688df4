#!/bin/sh
# tests/guest/guest-tests.sh: xfo's guest side inside a PV domU (busybox
# sh is enough). Loads xfo_guest.ko, checks the xenstore keys, runs the
# workloads, checks that unload is refused while /dev/xfo is open, unloads,
# reloads, and compares free memory with the baseline.
#
# Usage: guest-tests.sh [--module KO] [--bin DIR] [--answer none|refuse|refuse-connect]
#                       [--version HEX]
#   --version  the XFO_INTERFACE_VERSION the module must publish, as
#              0x%08x (lab-run.sh reads it from include/xfo.h); without
#              it, only its form is checked
#   --module   xfo_guest.ko (default: next to this script)
#   --bin      where xfo-agent, libxfo_preload.so, touch_region,
#              map_unmap_loop, region_edges and shim_workload are (default: this
#              script's directory, then $PATH)
#   --answer   what dom0 is expected to do with the handshake: none (no
#              answer: state stays 3) or refuse (dom0 writes
#              backend-state 6; the module records the error), or
#              refuse-connect (refuse, then answer the reload with 4: the
#              module connects; on a Xen without the resolver nothing is
#              mapped, so faults stay the guest's and unload frees all).
#              Either way faults are the guest's (.fault) and everything
#              must work.
# Prints "XFO-GUEST PASS name" or "XFO-GUEST FAIL name: why" per check
# and "XFO-GUEST END failures=N" last; exits 1 when N > 0.
here=$(cd "$(dirname "$0")" && pwd)
ko=$here/xfo_guest.ko
bin=$here
answer=none
want_version=
while [ $# -gt 0 ]; do
	case $1 in
	--module) ko=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--answer) answer=$2; shift 2 ;;
	--version) want_version=$2; shift 2 ;;
	*) echo "usage: $0 [--module KO] [--bin DIR] [--answer none|refuse|refuse-connect] [--version HEX]" >&2; exit 2 ;;
	esac
done
PATH=$bin:$PATH
failures=0
pass() { echo "XFO-GUEST PASS $1"; }
fail() { echo "XFO-GUEST FAIL $1: $2"; failures=$((failures + 1)); }
memfree() { awk '$1 == "MemFree:" { print $2 }' /proc/meminfo; }
xs() { xenstore-read "data/xfo/$1" 2>/dev/null; }
# run NAME CMD...: output indented, PASS when it exits 0.
run() {
	name=$1; shift
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc -eq 0 ]; then pass "$name"; else fail "$name" "'$*' exited $rc"; fi
	return $rc
}
wait_state() {  # wait_state N SECS
	n=0
	while [ $n -lt $(($2 * 10)) ]; do
		[ "$(xs state)" = "$1" ] && return 0
		sleep 0.1; n=$((n + 1))
	done
	return 1
}

echo "guest-tests: kernel $(uname -r), module $ko"
[ -f "$ko" ] || { fail setup "$ko missing"; echo "XFO-GUEST END failures=$failures"; exit 1; }
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
base=$(memfree)

# --- load and the handshake -------------------------------------------------
run "insmod xfo_guest.ko" insmod "$ko" || { echo "XFO-GUEST END failures=$failures"; exit 1; }
dmesg | grep xfo_guest | tail -n 5 | sed 's/^/    /'
if [ -c /dev/xfo ]; then pass "/dev/xfo exists"; else fail "/dev/xfo exists" "no character device"; fi
if wait_state 3 10 || [ "$(xs state)" = 4 ]; then
	pass "xenstore: state $(xs state), version $(xs version), table $(xs region-table-frame), pool $(xs pool-ring-frame), completions $(xs completion-ring-frame), port $(xs event-channel)"
else
	fail "xenstore: state 3" "state is '$(xs state)'"
fi
for k in version region-table-frame pool-ring-frame completion-ring-frame event-channel; do
	[ -n "$(xs $k)" ] || fail "xenstore key $k" "missing"
done
if [ -n "$want_version" ]; then
	[ "$(xs version)" = "$want_version" ] || fail "xenstore version" "'$(xs version)', want $want_version"
else
	xs version | grep -qE '^0x[0-9a-f]{8}$' || fail "xenstore version" "'$(xs version)' is not 0x%08x"
fi
if [ "$answer" != none ]; then
	n=0
	while [ $n -lt 300 ] && ! xfo-agent status | grep -q 'dom0 refused'; do
		sleep 0.1; n=$((n + 1))
	done
	if xfo-agent status | grep -q 'dom0 refused'; then
		pass "dom0's refusal recorded ($(xs backend-error))"
	else
		fail "dom0's refusal recorded" "$(xfo-agent status | head -n 2 | tr '\n' ' ')"
	fi
fi
run "xfo-agent status" xfo-agent status
if xfo-agent -j status >/tmp/status.json; then
	pass "xfo-agent -j status"
else
	fail "xfo-agent -j status" "exit $?"
fi
sed 's/^/    /' /tmp/status.json

# --- the workloads: no dom0 answer means every fault is the guest's -----------
run "touch_region 64 (the .fault path)" touch_region 64
run "touch_region 8 --write-first" touch_region 8 --write-first
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
before=$(memfree)
run "map_unmap_loop 40 4" map_unmap_loop 40 4
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
after=$(memfree)
if [ $((before - after)) -le 2048 ]; then
	pass "map_unmap_loop leaves free memory at baseline (MemFree $before -> $after KiB)"
else
	fail "map_unmap_loop leaves free memory at baseline" "MemFree $before -> $after KiB: $((before - after)) KiB gone"
fi
out=$(region_edges 2>&1); rc=$?
printf '%s\n' "$out" | sed -n 's/^PASS /XFO-GUEST PASS region_edges: /p; s/^FAIL /XFO-GUEST FAIL region_edges: /p'
failures=$((failures + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
[ $rc -eq 0 ] || printf '%s\n' "$out" | grep -q '^FAIL ' || fail "region_edges" "exited $rc: $(printf '%s\n' "$out" | tail -n 1)"
run "shim_workload under xfo-agent run" xfo-agent run -- shim_workload --expect-served
if out=$(XFO_PRELOAD_DEBUG=1 xfo-agent run --threshold 1M -- sh -c 'seq 1 100000 | sort -n | tail -n 1' 2>&1) &&
   printf '%s\n' "$out" | tail -n 1 | grep -qx 100000; then
	pass "a shell pipeline under xfo-agent run"
else
	fail "a shell pipeline under xfo-agent run" "$(printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ')"
fi
run "xfo-agent status after the workloads" xfo-agent status
if xfo-agent -j status | grep -q '"balance":0}'; then
	pass "page accounting adds up"
else
	fail "page accounting adds up" "$(xfo-agent -j status | grep -o '"pages":{[^}]*}')"
fi

# --- unload -----------------------------------------------------------------
# shellcheck disable=SC2217  # sleep only holds /dev/xfo open
sleep 30 </dev/xfo &
holder=$!
sleep 0.5
if rmmod xfo_guest 2>/dev/null; then
	fail "rmmod refused while /dev/xfo is open" "it unloaded"
	insmod "$ko"
else
	pass "rmmod refused while /dev/xfo is open"
fi
kill $holder 2>/dev/null
wait $holder 2>/dev/null
run "rmmod xfo_guest" rmmod xfo_guest
dmesg | grep xfo_guest | tail -n 4 | sed 's/^/    /'
if [ "$(xs state)" = 6 ]; then pass "xenstore: state 6 after unload"; else fail "xenstore: state 6 after unload" "state '$(xs state)'"; fi
if dmesg | grep -q 'keeping the shared and pool pages'; then
	fail "unload freed the shared pages" "Xen's answer to XFOOP_unmap_guest_areas made the module keep them"
else
	pass "unload: XFOOP_unmap_guest_areas answered ($(dmesg | grep -o 'XFOOP_unmap_guest_areas: [^,]*' | tail -n 1))"
fi

# --- reload -------------------------------------------------------------------
run "insmod again" insmod "$ko" && {
	if [ "$answer" = refuse-connect ]; then
		if wait_state 4 30 && xfo-agent status | grep -q '^offload: *on'; then
			pass "dom0's backend-state 4: state 4, connected"
		else
			fail "dom0's backend-state 4: state 4, connected" "state '$(xs state)': $(xfo-agent status | head -n 1)"
		fi
	else
		if wait_state 3 10; then
			pass "xenstore: state 3 again"
		else
			fail "xenstore: state 3 again" "state '$(xs state)'"
		fi
	fi
	run "touch_region 16 after reload" touch_region 16
	run "rmmod again" rmmod xfo_guest
}
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
end=$(memfree)
if [ $((base - end)) -le 2048 ]; then
	pass "free memory back at the baseline after unload (MemFree $base -> $end KiB)"
else
	fail "free memory back at the baseline after unload" "MemFree $base -> $end KiB: $((base - end)) KiB gone"
fi
if dmesg | grep -E 'BUG:|WARNING:|Oops|Bad page|general protection|Call Trace' >/tmp/bad; [ -s /tmp/bad ]; then
	sed 's/^/    /' /tmp/bad | head -n 20
	fail "no kernel warnings" "$(head -n 1 /tmp/bad)"
else
	pass "no kernel warnings"
fi
echo "XFO-GUEST END failures=$failures"
[ $failures -eq 0 ]
