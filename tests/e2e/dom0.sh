# shellcheck shell=sh disable=SC2016  # check ... eval '...': expanded by the eval
# tests/e2e/dom0.sh: the end-to-end test, run by the lab's dom0 as its
# payload (/xfo/run.sh; tests/suites/xen-e2e.once.sh builds the image).
# Needs the patched Xen, xfoctl, xfo_probe and the policies in /xfo/bpf.
# Prints "XFO-E2E PASS|FAIL name" lines; exits with the number of
# failures (at most 100). Every wait is bounded.
# shellcheck source=../../lab/rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh
# shellcheck source=lib.sh
. /xfo/lib.sh

BPF=/xfo/bpf
N=2000          # pages per touch run
SWAPS=1000

for b in xfoctl xfo_probe; do
	command -v $b >/dev/null || { fail setup "$b is not in the image (not built?)"; exit 1; }
done

# Raw bytecode, 8 bytes an instruction:
#   zf.bin   mov r0, 1 (XFO_VERDICT_ZERO_FILL); exit
#   bad.bin  exit with r0 never written: the verifier refuses it
#   tr.bin   *(u32 *)(r10 - 4) = "xfo!"; trace(r10 - 4, 4); r0 = 0; exit
printf '\267\000\000\000\001\000\000\000\225\000\000\000\000\000\000\000' >/tmp/zf.bin
printf '\225\000\000\000\000\000\000\000' >/tmp/bad.bin
{
	printf '\142\012\374\377\170\146\157\041\277\241\000\000\000\000\000\000'
	printf '\007\001\000\000\374\377\377\377\267\002\000\000\004\000\000\000'
	printf '\205\000\000\000\005\000\000\000\267\000\000\000\000\000\000\000'
	printf '\225\000\000\000\000\000\000\000'
} >/tmp/tr.bin

# --- the patched Xen answers ----------------------------------------------
if out=$(timeout 30 xfoctl xen version 2>&1); then
	echo "$out" | sed 's/^/  | /'
	pass xen_version
else
	echo "$out" | sed 's/^/  | /'
	fail xen_version "xfoctl xen version failed: is this the patched Xen? ($(echo "$out" | tail -n 1))"
fi

timeout 30 xfoctl domain detach 0 >/dev/null 2>&1

# --- counting: every fault runs the program and bounces --------------------
if out=$(timeout 30 xfoctl domain attach 0 "$BPF/counting.bpf.o" 2>&1); then
	pass attach_counting
else
	fail attach_counting "$out"
fi
timeout 30 xfoctl domain reset 0 >/dev/null 2>&1 || note "xfoctl domain reset 0 failed"
probe counting.touch timeout 120 xfo_probe touch $N
live=$(stats 0)
note "live: $live"
check counting.live_faults_seen "faults_seen $(jget "$live" faults_seen) < $N while attached" \
	ge "$(jget "$live" faults_seen)" $N
check counting.live_prog_id "no program attached while counting" \
	ge "$(jget "$live" prog_id)" 1
# Counters are per vCPU and summed: read them exactly once detached.
timeout 30 xfoctl domain detach 0 >/dev/null 2>&1 || fail counting.detach "xfoctl domain detach 0 failed"
s=$(stats 0)
note "detached: $s"
seen=$(jget "$s" faults_seen) runs=$(jget "$s" prog_runs)
vb=$(jget "$s" verdicts.bounce) bv=$(jget "$s" bounced.verdict)
check counting.faults_seen "faults_seen '$seen' < $N" ge "$seen" $N
check counting.prog_runs "prog_runs '$runs' != faults_seen '$seen'" eq "$runs" "$seen"
check counting.verdicts_bounce "verdicts.bounce '$vb' != prog_runs '$runs'" eq "$vb" "$runs"
check counting.bounced_verdict "bounced.verdict '$bv' != verdicts.bounce '$vb'" eq "$bv" "$vb"
check counting.prog_errors "prog_errors '$(jget "$s" prog_errors)' != 0" eq "$(jget "$s" prog_errors)" 0

# --- detached: the counters stop moving ------------------------------------
probe detached.touch timeout 120 xfo_probe touch $N
s2=$(stats 0)
check detach_stops_counting "faults_seen $(jget "$s" faults_seen) -> $(jget "$s2" faults_seen), prog_runs $(jget "$s" prog_runs) -> $(jget "$s2" prog_runs) after detach" \
	eval 'eq "$(jget "$s" faults_seen)" "$(jget "$s2" faults_seen)" && eq "$(jget "$s" prog_runs)" "$(jget "$s2" prog_runs)"'
check detached.prog_id "stats still name prog $(jget "$s2" prog_id)" eq "$(jget "$s2" prog_id)" 0

# --- ZERO_FILL verdicts: counted, and the fault still bounces ---------------
if out=$(timeout 30 xfoctl domain attach 0 --raw /tmp/zf.bin 2>&1); then
	pass attach_zero_fill
else
	fail attach_zero_fill "$out"
fi
timeout 30 xfoctl domain reset 0 >/dev/null 2>&1
probe zero_fill.touch timeout 120 xfo_probe touch $N
timeout 30 xfoctl domain detach 0 >/dev/null 2>&1
s=$(stats 0)
note "zero_fill: $s"
seen=$(jget "$s" faults_seen) zf=$(jget "$s" verdicts.zero_fill)
bsum=$(stats_sum "$s" bounced)
# The resolver is not built: no region, so every ZERO_FILL bounces with a
# reason other than "verdict".
nir=$(jget "$s" bounced.not_in_region) nb=$(jget "$s" bounced.not_built)
check zero_fill.verdicts "verdicts.zero_fill '$zf' < $N" ge "$zf" $N
check zero_fill.all_zero_fill "verdicts.zero_fill '$zf' != faults_seen '$seen'" eq "$zf" "$seen"
check zero_fill.still_bounces "bounced total '$bsum' != faults_seen '$seen', resolved $(jget "$s" resolved)" \
	eval 'eq "$bsum" "$seen" && eq "$(jget "$s" resolved)" 0'
check zero_fill.bounce_reason "not_in_region '$nir' + not_built '$nb' != verdicts.zero_fill '$zf'" \
	eq "$(( ${nir:-0} + ${nb:-0} ))" "$zf"

# zero_fill.bpf.o asks for ZERO_FILL only inside a published region; with
# no guest module there is none, so it says BOUNCE.
if timeout 30 xfoctl domain attach 0 "$BPF/zero_fill.bpf.o" >/dev/null 2>&1; then
	timeout 30 xfoctl domain reset 0 >/dev/null 2>&1
	probe zero_fill_policy.touch timeout 120 xfo_probe touch 200
	timeout 30 xfoctl domain detach 0 >/dev/null 2>&1
	s=$(stats 0)
	check zero_fill_policy.no_region "zero_fill.bpf.o outside any region: verdicts.bounce '$(jget "$s" verdicts.bounce)' != faults_seen '$(jget "$s" faults_seen)'" \
		eval 'ge "$(jget "$s" faults_seen)" 200 && eq "$(jget "$s" verdicts.bounce)" "$(jget "$s" faults_seen)"'
else
	fail zero_fill_policy.attach "xfoctl domain attach 0 zero_fill.bpf.o failed"
fi

# --- trace(): Xen's helper writes records that XFOOP_trace_read hands out --
timeout 30 xfoctl domain trace 0 >/dev/null 2>&1	# an empty buffer to start
timeout 30 xfoctl domain reset 0 >/dev/null 2>&1 || note "xfoctl domain reset 0 failed"
if timeout 30 xfoctl domain attach 0 --raw /tmp/tr.bin >/dev/null 2>&1; then
	# More faults than the buffer holds records: some are dropped.
	probe trace.touch timeout 120 xfo_probe touch 3000
	timeout 30 xfoctl domain detach 0 >/dev/null 2>&1
	runs=$(jget "$(stats 0)" prog_runs)
	tr=$(timeout 30 xfoctl -j domain trace 0 2>&1)
	note "trace: $runs runs: $(printf '%s' "$tr" | cut -c1-300)"
	# One trace() a run, each an 8-byte record: as many as the buffer
	# holds are kept, the rest dropped. No program traced before, so
	# dropped counts these runs' only.
	nrec=$(printf '%s' "$tr" | grep -o '"len":[0-9]*' | wc -l)
	nok=$(printf '%s' "$tr" | grep -o '{"len":4,"data":"78666f21"}' | wc -l)
	drop=$(jget "$tr" dropped)
	cap=$((16384 / 8))	# XFO_TRACE_BUF_SIZE / an 8-byte record
	want_drop=$(( ${runs:-0} > cap ? ${runs:-0} - cap : 0 ))
	check trace.records "$runs runs gave $nrec records, $nok of them 'xfo!', dropped '$drop' (expected $want_drop)" \
		eval 'ge "$nrec" 20 && eq "$nok" "$nrec" && eq "$drop" "$want_drop" && eq $((nrec + drop)) "$runs"'
else
	fail trace.attach "xfoctl domain attach 0 --raw tr.bin failed"
fi

# --- Xen's verifier refuses a bad program, and says why --------------------
out=$(timeout 30 xfoctl domain attach 0 --raw /tmp/bad.bin --no-local-verify 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
check refused.status "xfoctl exited $rc, not 1" eq $rc 1
case $out in
*"insn "*) pass refused.verifier_log ;;
*) fail refused.verifier_log "no 'insn ' line from Xen's verifier in: $(echo "$out" | head -n 3)" ;;
esac
s=$(stats 0)
check refused.not_attached "prog $(jget "$s" prog_id) attached after a refused attach" eq "$(jget "$s" prog_id)" 0

# --- 1000 hot swaps under a page-fault workload ------------------------------
timeout 30 xfoctl domain detach 0 >/dev/null 2>&1
timeout 30 xfoctl domain reset 0 >/dev/null 2>&1
rm -f /tmp/touch.stop /tmp/touch.count
(
	i=0
	while [ ! -e /tmp/touch.stop ] && [ $i -lt 200 ]; do
		timeout 120 xfo_probe touch $N >/tmp/touch.$((i % 2)).out 2>&1 ||
			{ echo "touch $i failed: $(tail -n 2 /tmp/touch.$((i % 2)).out)"; }
		i=$((i + 1))
		echo $i >/tmp/touch.count
	done
) &
touch_pid=$!
sleep 1
probe swap timeout 300 xfo_probe swap 0 "$BPF/counting.bpf.o" "$BPF/bounce_all.bpf.o" $SWAPS
swap_rc=$?
# One whole touch run more with the last program attached, so faults_seen
# below counts at least N.
c0=$(cat /tmp/touch.count 2>/dev/null || echo 0)
n=0
while kill -0 $touch_pid 2>/dev/null && [ "$(cat /tmp/touch.count 2>/dev/null || echo 0)" -lt $((c0 + 2)) ] &&
	[ $n -lt 600 ]; do
	sleep 0.2; n=$((n + 1))
done
: >/tmp/touch.stop
n=0
while kill -0 $touch_pid 2>/dev/null && [ $n -lt 600 ]; do sleep 0.2; n=$((n + 1)); done
kill $touch_pid 2>/dev/null
touches=$(cat /tmp/touch.count 2>/dev/null || echo 0)
grep -h 'swaps\|mismatch' /tmp/probe.out 2>/dev/null | head -n 3 | sed 's/^/  | /'
check swap.status "xfo_probe swap exited $swap_rc" eq $swap_rc 0
check swap.count "no line 'swaps $SWAPS ... 0 mismatches'" grep -q "^swaps $SWAPS .* 0 mismatches" /tmp/probe.out
check swap.workload_ran "no touch run finished" ge "$touches" 1
during=$(sed -n 's/^stat faults_seen \([0-9][0-9]*\)$/\1/p' /tmp/probe.out | head -n 1)
check swap.faults_during_swaps "faults_seen '$during' at the end of the swaps: no fault ran a program while they went on" \
	ge "$during" 1
timeout 30 xfoctl domain detach 0 >/dev/null 2>&1
s=$(stats 0)
note "after $SWAPS swaps and $touches touch runs: $s"
seen=$(jget "$s" faults_seen) runs=$(jget "$s" prog_runs) vsum=$(stats_sum "$s" verdicts)
check swap.faults_seen "faults_seen '$seen' < $N" ge "$seen" $N
check swap.prog_runs "prog_runs '$runs' != faults_seen '$seen'" eq "$runs" "$seen"
check swap.verdicts_sum "verdicts sum '$vsum' != prog_runs '$runs'" eq "$vsum" "$runs"
check swap.bounced "bounced.verdict '$(jget "$s" bounced.verdict)' != verdicts.bounce '$(jget "$s" verdicts.bounce)'" \
	eq "$(jget "$s" bounced.verdict)" "$(jget "$s" verdicts.bounce)"
check swap.prog_errors "prog_errors '$(jget "$s" prog_errors)'" eq "$(jget "$s" prog_errors)" 0
check swap.xen_healthy "xl info does not answer after the swaps" eval 'timeout 30 xl info >/dev/null 2>&1'

# --- malformed requests -----------------------------------------------------
probe abi timeout 120 xfo_probe abi

# --- a PV domU is refused every control op -----------------------------------
if lab_domu_start e2e >/tmp/domu-create.out 2>&1; then
	note "setup: domU e2e created"
	# A program attached to the domU, which dies with it attached.
	DU=$(xl domid e2e 2>/dev/null)
	out=$(timeout 30 xfoctl -j domain attach "$DU" "$BPF/zero_fill.bpf.o" 2>&1)
	DPROG=$(jget "$out" prog_id)
	check program.attach_domu "xfoctl domain attach $DU said: $out" ge "$DPROG" 1
	timeout 30 xfoctl program list 2>&1 | sed 's/^/  | /'
	lab_domu_wait e2e 120 >/tmp/domu.out
	rc=$?
	lab_domu_destroy e2e
	grep -v 'XFO-E2E-DOMU' /tmp/domu.out
	found=0
	while IFS= read -r line; do
		case $line in
		*"XFO-E2E-DOMU PASS "*) pass "domu.${line#*XFO-E2E-DOMU PASS }"; found=$((found + 1)) ;;
		*"XFO-E2E-DOMU FAIL "*) rest=${line#*XFO-E2E-DOMU FAIL }
			fail "domu.${rest%%:*}" "${rest#*: }"; found=$((found + 1)) ;;
		esac
	done </tmp/domu.out
	check domu.payload "the domU payload exited $rc" eq $rc 0
	check domu.results "the domU printed no results" ge $found 1

	# --- the dead domain's program: listed unattached, unloaded by id ------
	n=0
	while [ $n -lt 100 ] && xl domid e2e >/dev/null 2>&1; do n=$((n + 1)); sleep 0.2; done
	timeout 30 xfoctl program list 2>&1 | sed 's/^/  | /'
	pl=$(timeout 30 xfoctl -j program list 2>&1)
	check program.listed_unattached "prog '$DPROG' of the dead domain $DU in: $pl" \
		eval 'ge "$DPROG" 1 && echo "$pl" | grep -q "{\"id\":$DPROG,\"name\":\"zero_fill\",[^}]*\"users\":0,\"domid\":null}"'
	out=$(timeout 30 xfoctl program unload "$DPROG" 2>&1)
	rc=$?
	check program.unload "xfoctl program unload $DPROG exited $rc: $out" \
		eval '[ $rc -eq 0 ] && [ "$out" = "unloaded program $DPROG (zero_fill)" ]'
	out=$(timeout 30 xfoctl program unload "$DPROG" 2>&1)
	rc=$?
	check program.unload_again "a second unload of $DPROG exited $rc: $out" \
		eval '[ $rc -eq 1 ] && [ "$out" = "Error: no program $DPROG is loaded in Xen (ENOENT)" ]'
	pl=$(timeout 30 xfoctl -j program list 2>&1)
	check program.gone "prog $DPROG still listed: $pl" \
		eval 'echo "$pl" | grep -q "^\[" && ! echo "$pl" | grep -q "\"id\":$DPROG,"'
else
	cat /tmp/domu-create.out
	fail domu.create "xl create failed"
fi

# --- and at the end Xen still answers ----------------------------------------
check xen_alive_at_end "xl info does not answer" eval 'timeout 30 xl info >/dev/null 2>&1'
crashes=$(dmesg | grep -c 'segfault at')
[ "$crashes" -eq 0 ] || { note "dom0 processes crashed:"; dmesg | grep 'segfault at'; }
note "done at $(lab_elapsed)s of dom0 uptime, $E2E_FAILS failed"
[ "$E2E_FAILS" -le 100 ] || E2E_FAILS=100
exit "$E2E_FAILS"
