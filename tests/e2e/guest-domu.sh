# shellcheck shell=sh
# tests/e2e/guest-domu.sh: the PV domU's half of the guest end-to-end test
# (tests/suites/guest-e2e.once.sh; the domU's /xfo/run.sh, busybox sh).
# Loads xfo_guest.ko, which publishes its handshake keys, then serves
# commands dom0 sends through xenstore, so that dom0 (tests/e2e/guest-dom0.sh)
# can interleave them with its own: attach a policy, run a workload here,
# read Xen's counters there.
#
# The channel, in this domain's data/e2e (writable by both sides):
#   ready       "1 <module>" once the module is loaded (or "0 why")
#   req         "SEQ COMMAND" from dom0; a new SEQ is a new request
#   out-SEQ     the command's last 1800 bytes of output (stdout+stderr)
#   rc-SEQ      its exit status, written last
# COMMAND "exit" ends the loop. Output also goes to the console, prefixed
# "domU[SEQ]| ". Every wait is bounded: the loop gives up after
# XFO_SERVE_SECS (default 1500) s without a request.
E=data/e2e
export PATH=/xfo:/usr/bin:/bin:/usr/sbin:/sbin
echo "guest-domu: kernel $(uname -r), domid $(xenstore-read domid 2>/dev/null)"

# The module: the lab's copy (modprobe), else the payload's.
if modprobe xfo_guest 2>/tmp/modprobe.err; then
	how="modprobe xfo_guest"
elif [ -f /xfo/xfo_guest.ko ] && insmod /xfo/xfo_guest.ko 2>/tmp/insmod.err; then
	how="insmod /xfo/xfo_guest.ko"
else
	echo "guest-domu: cannot load xfo_guest: $(cat /tmp/modprobe.err /tmp/insmod.err 2>/dev/null)"
	xenstore-write "$E/ready" "0 xfo_guest.ko does not load: $(head -c 200 /tmp/modprobe.err)"
	exit 1
fi
dmesg | grep xfo_guest | tail -n 3
xenstore-write "$E/ready" "1 $how"

idle=0 last=""
limit=$(( ${XFO_SERVE_SECS:-1500} * 5 ))
while [ $idle -lt $limit ]; do
	req=$(xenstore-read -R "$E/req" 2>/dev/null)
	seq=${req%% *}
	if [ -z "$req" ] || [ "$seq" = "$last" ]; then
		idle=$((idle + 1))
		sleep 0.2
		continue
	fi
	idle=0 last=$seq
	cmd=${req#* }
	[ "$cmd" = exit ] && { xenstore-write "$E/rc-$seq" 0; break; }
	echo "domU[$seq]\$ $cmd"
	sh -c "$cmd" >/tmp/out 2>&1 </dev/null
	rc=$?
	sed "s/^/domU[$seq]| /" /tmp/out
	echo "domU[$seq] rc=$rc"
	xenstore-write -R "$E/out-$seq" "$(tail -c 1800 /tmp/out)"
	xenstore-write "$E/rc-$seq" "$rc"
done
[ $idle -lt $limit ] || echo "guest-domu: no request for $((limit / 5)) s; leaving"
exit 0
