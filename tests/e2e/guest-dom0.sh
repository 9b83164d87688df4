# shellcheck shell=sh disable=SC2016,SC2034
# tests/e2e/guest-dom0.sh: the guest end-to-end test, run by the lab's dom0
# as its payload (/xfo/run.sh; tests/suites/guest-e2e.once.sh builds the
# image). Creates a PV domU whose payload (tests/e2e/guest-domu.sh) loads
# xfo_guest.ko and serves commands through xenstore, answers the guest's
# handshake with `xfoctl domain connect`, then runs the domU's workloads
# under zero_fill, fault_around and bounce_all, under the shim, 100
# map/touch/unmap rounds, an unload and reload, and destroys the domU while
# it faults. Xen's counters (xfoctl -j domain stats) decide every offload
# check: none passes unless Xen says it resolved the faults itself.
# Prints "XFO-E2E PASS|FAIL name" lines; exits with the number of failures
# (at most 100). Every wait is bounded.
# shellcheck source=../../lab/rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh
# shellcheck source=lib.sh
. /xfo/lib.sh

BPF=/xfo/bpf
NAME=xfo-guest
MB=64
PAGES=$((MB * 256))             # 4 KiB pages in the touched region
ROUNDS=100                      # map_unmap_loop rounds of 4 MiB
MEMFREE_SLACK=2048              # KiB: the pool refills up to 1 MiB
CONNECTED=0
NOT_CONNECTED="the handshake did not connect"

for b in xfoctl xl xenstore-read; do
	command -v $b >/dev/null || { fail setup "$b is not in the image"; exit 1; }
done
for p in zero_fill fault_around bounce_all; do
	[ -f "$BPF/$p.bpf.o" ] || { fail setup "$BPF/$p.bpf.o is not in the image"; exit 1; }
done
timeout 30 xfoctl xen version | sed 's/^/  | /'

# --- the domU ---------------------------------------------------------------
free0=$(xl info free_memory 2>/dev/null)
note "Xen's free memory before the domU: ${free0:-?} MB"
t0=$(lab_elapsed)
if ! lab_domu_start $NAME >/tmp/create.out 2>&1; then
	sed 's/^/  | /' /tmp/create.out
	fail domu.create "xl create failed"
	exit 1
fi
D=$(xl domid $NAME 2>/dev/null)
note "domU $NAME is domain $D (xl create took $(echo "$(lab_elapsed) $t0" | awk '{ printf "%.1f", $1 - $2 }') s)"
note "setup: domU $NAME created"
G=/local/domain/$D/data/e2e
X=/local/domain/$D/data/xfo
SEQ=0

# line ERE: the first line of /tmp/domu.out matching ERE.
line() { grep -E "$1" /tmp/domu.out | head -n 1; }
# num ERE N: the Nth number on that line.
num() { line "$1" | tr -c '0-9\n' ' ' | awk -v n="$2" '{ print $n }'; }
# agent: xfo-agent -j status in the domU, on one line in $AGENT.
agent() {
	AGENT=""
	domu 60 xfo-agent -j status && AGENT=$(tr -d '\n' </tmp/domu.out)
}
# xstats: Xen's counters for the domU, in $S.
xstats() { S=$(stats "$D"); }
# why_none: why an offload check failed when nothing was offloaded.
why_none() {
	[ $CONNECTED -eq 1 ] && echo "$*" || echo "$* ($NOT_CONNECTED)"
}

# --- the guest's module and its keys ------------------------------------------
ready=$(domu_ready)
case $ready in
"1 "*) pass "module.loaded (${ready#1 })" ;;
*) fail module.loaded "the domU did not load xfo_guest.ko: ${ready:-no answer in 90 s}"
   lab_domu_wait $NAME 5 | tail -n 30; lab_domu_destroy $NAME; exit 1 ;;
esac
keys=""
for k in state version region-table-frame pool-ring-frame completion-ring-frame event-channel; do
	keys="$keys $k=$(xenstore-read "$X/$k" 2>/dev/null)"
done
note "the guest's keys:$keys"

# --- the handshake --------------------------------------------------------------
out=$(timeout 90 xfoctl domain connect "$D" --wait 60 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
if [ $rc -eq 0 ]; then
	CONNECTED=1
	pass handshake.connect
else
	NOT_CONNECTED="the handshake did not connect: $(echo "$out" | tail -n 1)"
	fail handshake.connect "xfoctl domain connect exited $rc: $(echo "$out" | tail -n 1)"
fi
bs=$(xenstore-read "$X/backend-state" 2>/dev/null)
be=$(xenstore-read "$X/backend-error" 2>/dev/null)
note "backend-state ${bs:-none}${be:+, backend-error: $be}"
n=0
while [ $n -lt 50 ] && [ "$(xenstore-read "$X/state" 2>/dev/null)" != 4 ]; do n=$((n + 1)); sleep 0.2; done
agent
gstate=$(jget "$AGENT" handshake.state)
case $AGENT in
*'"connected":true'*) pass "handshake.guest_connected (state $gstate)" ;;
*) fail handshake.guest_connected "the guest is not connected: state '${gstate:-?}', xenstore state '$(xenstore-read "$X/state" 2>/dev/null)'${be:+, refused: $be}" ;;
esac
xstats
check handshake.xen_areas_mapped "$(why_none "Xen's stats: $S")" \
	eval '[ $CONNECTED -eq 1 ] && echo "$S" | grep -q "\"areas_mapped\": *true"'
out=$(timeout 30 xfoctl domain connect "$D" 2>&1)
check handshake.connect_twice "$(why_none "a second connect said: $out")" \
	eval '[ $CONNECTED -eq 1 ] && echo "$out" | grep -q "connected already"'

# --- zero_fill: 64 MiB, every page from Xen ------------------------------------------
# run_touch POLICY: attaches (replacing), resets, touch_region $MB; sets
# TOUCH_RC, TOUCH_RESULT (the result line), GUEST_FAULTS and
# GUEST_OFFLOADED (first touch, the module's counters) and S.
run_touch() {
	timeout 30 xfoctl domain attach "$D" "$BPF/$1.bpf.o" --replace >/tmp/attach.out 2>&1 ||
		{ fail "$1.attach" "$(tail -n 1 /tmp/attach.out)"; }
	agent
	refills0=$(jget "$AGENT" pool.refills) irqs0=$(jget "$AGENT" pool.notifications)
	timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
	domu 600 touch_region $MB
	TOUCH_RC=$?
	xstats
	TOUCH_RESULT=$(line 'read zero at first touch')
	GUEST_FAULTS=$(num 'faults handled by the guest' 1)
	GUEST_OFFLOADED=$(num 'faults handled by the guest' 2)
	TOUCH_TIME=$(line 'first touch [0-9.]+ ms')
	note "$1: $S"
	# Xen's notifications against the guest's refills in the same phase.
	S1=$S
	cp /tmp/domu.out /tmp/touch.out
	agent
	cp /tmp/touch.out /tmp/domu.out
	REFILLS=$(( $(jget "$AGENT" pool.refills) - refills0 ))
	IRQS=$(( $(jget "$AGENT" pool.notifications) - irqs0 ))
	NOTIFS=$(jget "$S1" notifications)
	note "$1: Xen sent $NOTIFS refill notifications, the guest took $IRQS interrupts and refilled $REFILLS times"
	S=$S1
}
ok_touch() {	# NAME: the workload's own checks
	check "$1.correct" "touch_region $MB exited $TOUCH_RC: $(tail -n 2 /tmp/domu.out | tr '\n' ' ')" \
		eval '[ $TOUCH_RC -eq 0 ] && [ "$TOUCH_RESULT" = "touch_region: $MB MiB, $PAGES pages: $PAGES read zero at first touch, $PAGES kept the pattern" ]'
}
balanced() {	# NAME: the module's page accounting
	agent
	bal=$(jget "$AGENT" pages.balance) mapped=$(jget "$AGENT" pages.mapped)
	check "$1.accounting" "pages: $(echo "$AGENT" | grep -o '"pages":{[^}]*}')" \
		eval 'eq "$bal" 0 && eq "$mapped" 0'
}

run_touch zero_fill
ok_touch zero_fill
zf_result=$TOUCH_RESULT
res=$(jget "$S" resolved) inst=$(jget "$S" pages_installed) vzf=$(jget "$S" verdicts.zero_fill)
zf_faults=$(( ${res:-0} + ${GUEST_FAULTS:-0} ))
note "zero_fill: Xen resolved $res faults, installed $inst pages, verdicts.zero_fill $vzf; the guest handled $GUEST_FAULTS, saw $GUEST_OFFLOADED completions; $TOUCH_TIME"
check zero_fill.resolved_99pct "$(why_none "Xen resolved '$res' of $PAGES pages' first touches and the guest handled '$GUEST_FAULTS'")" \
	eval 'ge "$res" 1 && [ $((res * 100)) -ge $((PAGES * 99)) ] && [ $((res * 100)) -ge $((zf_faults * 99)) ]'
check zero_fill.region_verdicts_resolved "$(why_none "resolved '$res' < 99% of verdicts.zero_fill '$vzf'")" \
	eval 'ge "$res" 1 && [ $((res * 100)) -ge $((vzf * 99)) ]'
check zero_fill.one_page_per_fault "$(why_none "pages_installed '$inst' != resolved '$res'")" \
	eval 'ge "$res" 1 && eq "$inst" "$res"'
check zero_fill.guest_owns_installed "$(why_none "the guest took '$GUEST_OFFLOADED' completions, Xen installed '$inst'")" \
	eval 'ge "$inst" 1 && eq "$GUEST_OFFLOADED" "$inst"'
# At most one notification per refill (docs/guest.md), and some.
check zero_fill.notifications_bounded "$(why_none "Xen sent '$NOTIFS' notifications for $REFILLS refills")" \
	eval 'ge "$NOTIFS" 1 && [ "$NOTIFS" -le $((REFILLS + 1)) ]'
balanced zero_fill

# --- fault_around: fewer faults for the same work ------------------------------------
run_touch fault_around
ok_touch fault_around
fa_result=$TOUCH_RESULT
res=$(jget "$S" resolved) inst=$(jget "$S" pages_installed) vfa=$(jget "$S" verdicts.fault_around)
fa_faults=$(( ${res:-0} + ${GUEST_FAULTS:-0} ))
note "fault_around: $fa_faults faults for $PAGES pages (zero_fill: $zf_faults): Xen resolved $res, installed $inst, verdicts.fault_around $vfa, faults_seen $(jget "$S" faults_seen); the guest handled $GUEST_FAULTS; $TOUCH_TIME"
check fault_around.fewer_faults "$(why_none "$fa_faults faults (Xen resolved '$res', the guest '$GUEST_FAULTS') for $PAGES pages, zero_fill took $zf_faults")" \
	eval 'ge "$res" 1 && [ $((fa_faults * 4)) -le $PAGES ] && [ $((fa_faults * 2)) -le $zf_faults ]'
check fault_around.pages_installed "$(why_none "Xen installed '$inst' of $PAGES pages")" \
	eval 'ge "$inst" 1 && [ $((inst * 100)) -ge $((PAGES * 99)) ] && eq "$GUEST_OFFLOADED" "$inst"'
check fault_around.notifications_bounded "$(why_none "Xen sent '$NOTIFS' notifications for $REFILLS refills")" \
	eval 'ge "$NOTIFS" 1 && [ "$NOTIFS" -le $((REFILLS + 1)) ]'
balanced fault_around

# --- bounce_all: nothing offloaded, the same results ------------------------------
run_touch bounce_all
ok_touch bounce_all
res=$(jget "$S" resolved) inst=$(jget "$S" pages_installed) vb=$(jget "$S" verdicts.bounce)
note "bounce_all: resolved $res, installed $inst, verdicts.bounce $vb; the guest handled $GUEST_FAULTS; $TOUCH_TIME"
check bounce_all.nothing_offloaded "resolved '$res', pages_installed '$inst', guest completions '$GUEST_OFFLOADED'" \
	eval 'eq "$res" 0 && eq "$inst" 0 && eq "$GUEST_OFFLOADED" 0'
check bounce_all.guest_handled_all "the guest handled '$GUEST_FAULTS' faults, the program said bounce '$vb' times, for $PAGES pages" \
	eval 'eq "$GUEST_FAULTS" $PAGES && ge "$vb" $PAGES'
check bounce_all.same_results "results differ: zero_fill '$zf_result', fault_around '$fa_result', bounce_all '$TOUCH_RESULT'" \
	eval '[ -n "$TOUCH_RESULT" ] && [ "$TOUCH_RESULT" = "$zf_result" ] && [ "$TOUCH_RESULT" = "$fa_result" ]'
balanced bounce_all

# --- a write the region's protection forbids: a bounce reason of its own ------------
timeout 30 xfoctl domain attach "$D" "$BPF/zero_fill.bpf.o" --replace >/dev/null 2>&1
timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
domu 60 touch_region 1 --write-readonly
rc=$?
xstats
pd=$(jget "$S" bounced.prot_denied) cd=$(jget "$S" bounced.class_denied)
check prot_denied.sigsegv "touch_region --write-readonly exited $rc: $(tail -n 1 /tmp/domu.out)" eq $rc 0
check prot_denied.counted "$(why_none "bounced.prot_denied '$pd', class_denied '$cd'")" \
	eval 'ge "$pd" 1 && eq "$cd" 0'

# --- dom0 disconnects: faults stay correct without offload; a reconnect works ------
xenstate() { xenstore-read "$X/state" 2>/dev/null; }
# small_touch NAME: touch_region 16, the workload's own checks, S.
SMB=16 SPAGES=4096
small_touch() {
	timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
	domu 300 touch_region $SMB
	rc=$?
	xstats
	check "$1.correct" "touch_region $SMB exited $rc: $(tail -n 2 /tmp/domu.out | tr '\n' ' ')" \
		eval '[ $rc -eq 0 ] && [ "$(line "read zero at first touch")" = "touch_region: $SMB MiB, $SPAGES pages: $SPAGES read zero at first touch, $SPAGES kept the pattern" ]'
	GUEST_FAULTS=$(num 'faults handled by the guest' 1)
}
out=$(timeout 30 xfoctl domain disconnect "$D" 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
check disconnect.unmapped "xfoctl domain disconnect exited $rc: $out" eq $rc 0
n=0
while [ $n -lt 50 ] && [ "$(xenstate)" != 3 ]; do n=$((n + 1)); sleep 0.2; done
agent
gstate=$(jget "$AGENT" handshake.state)
check disconnect.guest_offers_again "the guest is in state '$gstate' (xenstore '$(xenstate)'): $(echo "$AGENT" | grep -o '"handshake":{[^}]*}')" \
	eval 'eq "$gstate" 3 && echo "$AGENT" | grep -q "\"connected\":false"'
xstats
check disconnect.xen_areas_unmapped "Xen's stats: $S" eval 'echo "$S" | grep -q "\"areas_mapped\": *false"'
timeout 30 xfoctl domain attach "$D" "$BPF/zero_fill.bpf.o" --replace >/dev/null 2>&1
small_touch disconnect
# No areas, no region: zero_fill itself says BOUNCE (bounced.verdict).
res=$(jget "$S" resolved) nir=$(jget "$S" bounced.not_in_region) bv=$(jget "$S" bounced.verdict)
note "disconnected: resolved $res, bounced.verdict $bv, bounced.not_in_region $nir, the guest handled $GUEST_FAULTS faults"
check disconnect.guest_handles_all "resolved '$res', the guest handled '$GUEST_FAULTS' of $SPAGES, bounced verdict '$bv' + not_in_region '$nir'" \
	eval 'eq "$res" 0 && eq "$GUEST_FAULTS" $SPAGES && ge "$((bv + nir))" $SPAGES'
out=$(timeout 90 xfoctl domain connect "$D" --wait 30 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
check reconnect.connect "xfoctl domain connect after the disconnect exited $rc: $(echo "$out" | tail -n 1)" eq $rc 0
n=0
while [ $n -lt 50 ] && [ "$(xenstate)" != 4 ]; do n=$((n + 1)); sleep 0.2; done
agent
check reconnect.guest_connected "the guest: $(echo "$AGENT" | grep -o '"handshake":{[^}]*}')" \
	eval 'echo "$AGENT" | grep -q "\"connected\":true"'
small_touch reconnect
res=$(jget "$S" resolved)
note "reconnected: resolved $res of $SPAGES first touches, the guest handled $GUEST_FAULTS"
check reconnect.offloaded "Xen resolved '$res' of $SPAGES first touches" \
	eval 'ge "$res" 1 && [ $((res * 100)) -ge $((SPAGES * 99)) ]'
balanced reconnect

# --- a program under the shim --------------------------------------------------------
timeout 30 xfoctl domain attach "$D" "$BPF/zero_fill.bpf.o" --replace >/dev/null 2>&1
timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
domu 600 xfo-agent run -- shim_workload --expect-served
rc=$?
xstats
served=$(num 'regions served' 1)
res=$(jget "$S" resolved)
note "shim: $(line 'regions served'); Xen resolved $res"
check shim.correct "shim_workload exited $rc: $(tail -n 2 /tmp/domu.out | tr '\n' ' ')" \
	eval '[ $rc -eq 0 ] && grep -q "^shim_workload: ok" /tmp/domu.out'
check shim.served "the shim served '$served' regions" ge "$served" 1
check shim.offloaded "$(why_none "Xen resolved '$res' faults of the shim's regions")" ge "$res" 1
balanced shim

# --- 100 rounds of map, touch, unmap, exit: no leak ------------------------------------
domu 60 'sync; echo 3 >/proc/sys/vm/drop_caches; awk "\$1 == \"MemFree:\" { print \$2 }" /proc/meminfo'
mf0=$(head -n 1 /tmp/domu.out)
agent
refills0=$(jget "$AGENT" pool.refills)
timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
domu 900 map_unmap_loop $ROUNDS 4
rc=$?
xstats
res=$(jget "$S" resolved)
cp /tmp/domu.out /tmp/loop.out
agent
cp /tmp/loop.out /tmp/domu.out
REFILLS=$(( $(jget "$AGENT" pool.refills) - refills0 )) NOTIFS=$(jget "$S" notifications)
note "map_unmap_loop: Xen sent $NOTIFS refill notifications, the guest refilled $REFILLS times; bounced.pool_empty $(jget "$S" bounced.pool_empty), ring_full $(jget "$S" bounced.ring_full)"
check map_unmap.notifications_bounded "$(why_none "Xen sent '$NOTIFS' notifications for $REFILLS refills")" \
	eval 'ge "$NOTIFS" 1 && [ "$NOTIFS" -le $((REFILLS + 1)) ]'
domu 60 'sync; echo 3 >/proc/sys/vm/drop_caches; awk "\$1 == \"MemFree:\" { print \$2 }" /proc/meminfo'
mf1=$(head -n 1 /tmp/domu.out)
note "map_unmap_loop: MemFree $mf0 -> $mf1 KiB; Xen resolved $res of $((ROUNDS * 1024)) first touches"
check map_unmap.correct "map_unmap_loop $ROUNDS 4 exited $rc" eq "$rc" 0
check map_unmap.memfree_baseline "MemFree $mf0 -> $mf1 KiB: more than $MEMFREE_SLACK KiB gone" \
	eval 'ge "$mf0" 1 && ge "$mf1" 1 && [ $((mf0 - mf1)) -le $MEMFREE_SLACK ]'
check map_unmap.offloaded "$(why_none "Xen resolved '$res' of $((ROUNDS * 1024)) first touches")" \
	eval 'ge "$res" 1 && [ $((res * 100)) -ge $((ROUNDS * 1024 * 99)) ]'
agent
a=$(jget "$AGENT" pages.allocated) f=$(jget "$AGENT" pages.freed) p=$(jget "$AGENT" pages.pool)
tk=$(jget "$AGENT" pages.taken) m=$(jget "$AGENT" pages.mapped) o=$(jget "$AGENT" pages.orphaned)
note "the module's pages: allocated $a = freed $f + pool $p + taken $tk + mapped $m + orphaned $o"
check map_unmap.accounting "allocated '$a' != freed '$f' + pool '$p' + mapped '$m' (taken '$tk', orphaned '$o')" \
	eval 'ge "$a" 1 && eq "$a" "$((f + p + m))" && eq "$tk" 0 && eq "$o" 0 && eq "$m" 0'

# --- the guest's kernel is clean ---------------------------------------------------------
domu 60 'dmesg | grep -E "BU[G]:|WARNIN[G]:|Oop[s]|Bad pag[e]|general protectio[n]|Call Trac[e]" | head -n 20'
check guest.kernel_clean "the domU's kernel logged: $(head -n 1 /tmp/domu.out)" eval '! grep -q . /tmp/domu.out'

# --- unload (the guest unmaps its areas itself), reload, connect again -------------------
domu 60 rmmod xfo_guest
rc=$?
domu 30 'dmesg | grep xfo_guest | tail -n 4; xenstore-read data/xfo/state'
check unload.rmmod "rmmod exited $rc" eq $rc 0
check unload.pages_freed "the module kept its pages: $(line 'keeping|never came back')" \
	eval '! grep -qE "keeping the shared|never came back" /tmp/domu.out'
xl dmesg 2>/dev/null | grep -E "xfo: d$D:" | tail -n 4 | sed 's/^/  | /'
# Xen let go of the old areas when the guest unmapped them itself: the
# reloaded module's new ones map (a Xen still holding them says EEXIST).
domu 60 modprobe xfo_guest
out=$(timeout 90 xfoctl domain connect "$D" --wait 30 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
check unload.reconnect "$(why_none "xfoctl domain connect after the reload exited $rc: $(echo "$out" | tail -n 1)")" eq $rc 0

# --- destroyed while it faults -----------------------------------------------------------
timeout 30 xfoctl domain attach "$D" "$BPF/zero_fill.bpf.o" --replace >/dev/null 2>&1
timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
domu 30 '(i=0; while [ $i -lt 1000 ]; do touch_region 64 >/dev/null 2>&1 || sleep 1; i=$((i + 1)); done) >/dev/null 2>&1 </dev/null &'
# Faulting: Xen's counters move between two reads a second apart.
n=0 moving=0
while [ $n -lt 30 ]; do
	xstats; f0=$(jget "$S" faults_seen) r0=$(jget "$S" resolved)
	sleep 1
	xstats; f1=$(jget "$S" faults_seen) r1=$(jget "$S" resolved)
	if ge "$f1" 1 && [ $((f1 - f0)) -ge 200 ]; then moving=1; break; fi
	n=$((n + 1))
done
note "at the destroy: faults_seen +$((f1 - f0)), resolved +$((r1 - r0)) in the last second; since the reset: faults_seen $f1, resolved $r1, bounced.pool_empty $(jget "$S" bounced.pool_empty), Xen sent $(jget "$S" notifications) refill notifications"
check destroy.while_faulting "faults_seen moved by $((f1 - f0)) in a second" eq $moving 1
check destroy.while_offloading "$(why_none "resolved moved by $((r1 - r0)) in a second")" \
	eval 'ge "$r1" 1 && [ $((r1 - r0)) -ge 100 ]'
timeout 60 xl destroy $NAME >/tmp/destroy.out 2>&1
rc=$?
check destroy.xl_destroy "xl destroy exited $rc: $(tail -n 1 /tmp/destroy.out)" eq $rc 0
n=0
while [ $n -lt 150 ]; do
	xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0"' >/tmp/xl.left
	[ -s /tmp/xl.left ] || break
	n=$((n + 1)); sleep 0.2
done
xl list 2>&1 | sed 's/^/  | /'
check destroy.xl_list_clean "domains left after 30 s: $(tr '\n' ';' </tmp/xl.left)" eval '[ ! -s /tmp/xl.left ]'
out=$(timeout 30 xfoctl domain stats "$D" 2>&1)
rc=$?
check destroy.xen_state_freed "xfoctl domain stats $D exited $rc: $out" \
	eval '[ $rc -eq 1 ] && echo "$out" | grep -q "no domain $D (ESRCH)"'
n=0 free1=""
while [ $n -lt 100 ]; do
	free1=$(xl info free_memory 2>/dev/null)
	ge "$free1" "$((free0 - 2))" && break
	n=$((n + 1)); sleep 0.2
done
note "Xen's free memory: $free0 MB before the domU, $free1 MB after its destroy"
check destroy.memory_returned "Xen's free memory $free0 MB before, $free1 MB after" ge "$free1" "$((free0 - 2))"

# --- unmapped while other threads fault in it: every page owned and freed -----------
# On another domU with two vCPUs: with one, the guest kernel never runs
# while its vCPU is in Xen, so Xen cannot resolve a fault in a region
# while the module frees it. Same image and payload; dom0 drives it the
# same way (D and G name it for domu/xstats/agent).
RNAME=xfo-race
sed -e "s/^name = .*/name = \"$RNAME\"/" -e 's/^vcpus = .*/vcpus = 2/' "/run/$NAME.cfg" >"/run/$RNAME.cfg"
if grep -q '^vcpus = 2$' "/run/$RNAME.cfg" && timeout 90 xl create "/run/$RNAME.cfg" >/tmp/create-race.out 2>&1; then
	D=$(xl domid $RNAME 2>/dev/null)
	G=/local/domain/$D/data/e2e
	n=0 ready=""
	while [ $n -lt 450 ]; do
		ready=$(xenstore-read "$G/ready" 2>/dev/null) && break
		n=$((n + 1)); sleep 0.2
	done
	out=$(timeout 90 xfoctl domain connect "$D" --wait 60 2>&1)
	rc=$?
	check munmap_race.connect "domU $RNAME (ready '$ready'): xfoctl domain connect exited $rc: $(echo "$out" | tail -n 1)" eq $rc 0
	timeout 30 xfoctl domain attach "$D" "$BPF/zero_fill.bpf.o" >/dev/null 2>&1
	domu 60 'nproc; sync; echo 3 >/proc/sys/vm/drop_caches; awk "\$1 == \"MemFree:\" { print \$2 }" /proc/meminfo'
	ncpu=$(head -n 1 /tmp/domu.out) mf0=$(sed -n 2p /tmp/domu.out)
	timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
	domu 900 map_unmap_loop 400 4 --race 3
	rc=$?
	xstats
	RACE_LINE=$(line 'race:')
	cp /tmp/domu.out /tmp/race.out
	domu 60 'sync; echo 3 >/proc/sys/vm/drop_caches; awk "\$1 == \"MemFree:\" { print \$2 }" /proc/meminfo'
	mf1=$(head -n 1 /tmp/domu.out)
	agent
	o=$(jget "$AGENT" pages.orphaned) bal=$(jget "$AGENT" pages.balance) m=$(jget "$AGENT" pages.mapped)
	res=$(jget "$S" resolved) nir=$(jget "$S" bounced.not_in_region)
	note "munmap race ($ncpu vCPUs): $RACE_LINE; Xen resolved $res, bounced not_in_region $nir; pages orphaned $o, balance $bal; MemFree $mf0 -> $mf1 KiB"
	cp /tmp/race.out /tmp/domu.out
	check munmap_race.two_vcpus "the domU has '$ncpu' vCPUs" eq "$ncpu" 2
	check munmap_race.correct "map_unmap_loop --race exited $rc: $(tail -n 2 /tmp/race.out | tr '\n' ' ')" eq "$rc" 0
	check munmap_race.offloaded "Xen resolved '$res' faults" ge "$res" 1
	check munmap_race.no_orphans "pages orphaned '$o', balance '$bal', mapped '$m'" \
		eval 'eq "$o" 0 && eq "$bal" 0 && eq "$m" 0'
	check munmap_race.memfree_baseline "MemFree $mf0 -> $mf1 KiB: more than $MEMFREE_SLACK KiB gone" \
		eval 'ge "$mf0" 1 && ge "$mf1" 1 && [ $((mf0 - mf1)) -le $MEMFREE_SLACK ]'
	domu 60 'dmesg | grep -E "BU[G]:|WARNIN[G]:|Oop[s]|Bad pag[e]|general protectio[n]|Call Trac[e]" | head -n 20'
	check munmap_race.kernel_clean "the race domU's kernel logged: $(head -n 1 /tmp/domu.out)" eval '! grep -q . /tmp/domu.out'
	timeout 60 xl destroy $RNAME >/dev/null 2>&1
else
	sed 's/^/  | /' /tmp/create-race.out 2>/dev/null
	fail munmap_race.create "xl create of a 2-vCPU domU failed"
fi

# The domU's console, for the record.
tr -d '\r' <"$LAB_CONSOLE_DIR/guest-$NAME.log" 2>/dev/null | tail -n 400 | sed 's/^/domU| /'

check xen_alive_at_end "xl info does not answer" eval 'timeout 30 xl info >/dev/null 2>&1'
crashes=$(dmesg | grep -c 'segfault at')
[ "$crashes" -eq 0 ] || { note "dom0 processes crashed:"; dmesg | grep 'segfault at'; }
check dom0.no_segfaults "$crashes dom0 processes segfaulted" eq "$crashes" 0
note "done at $(lab_elapsed)s of dom0 uptime, $E2E_FAILS failed"
[ "$E2E_FAILS" -le 100 ] || E2E_FAILS=100
exit "$E2E_FAILS"
