# shellcheck shell=sh
# bench/lab/dom0.sh: the lab benchmark in dom0 (the payload's run.sh;
# bench/lab/run.sh builds the image). Creates a PV domU with 2 vCPUs whose
# payload (tests/e2e/guest-domu.sh) loads xfo_guest.ko and runs commands
# sent through xenstore. On the patched Xen it answers the handshake and
# then, ROUNDS times, goes through every configuration in the same order
# (ABAB): attach the configuration's program (none: detach), and for each
# workload of its scopes reset Xen's counters, run it in the domU and
# print one bench_record with the workload's result and Xen's counters.
# On Debian's stock Xen (KIND=stock) there is one configuration, stock.
# KIND=counting is the patched Xen built with perf counters (make
# xen-perfc): the same configurations, each record with Xen's perf
# counters for the command next to it, and no loaded runs (no times count).
# shellcheck source=../../lab/rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh
# shellcheck source=../../tests/e2e/lib.sh
. /xfo/lib.sh
# shellcheck source=bench-lib.sh
. /xfo/bench-lib.sh
# shellcheck source=/dev/null  # written by bench/lab/run.sh
. /xfo/bench.conf

NAME=xfo-bench
# The perf counters are the whole machine's: dom0 polls for the domU's
# answer seldom while they count.
[ "$KIND" != counting ] || DOMU_POLL_SLOW=2
BPF=/xfo/bpf
FAILS=0
if [ "$KIND" = stock ]; then
	CONFIGS=stock
else
	CONFIGS="none bounce_all zero_fill fault_around1 fault_around4 fault_around8 fault_around16"
fi

# scopes CONFIG: the workload scopes a configuration runs (bench/lab/workloads).
# A smoke's counting boot counts the region workloads alone.
scopes() {
	if [ "$KIND" = counting ] && [ "${SMOKE:-0}" = 1 ]; then
		echo "xen region"
		return
	fi
	case $1 in
	stock|none) echo "xen region anon" ;;
	zero_fill) [ "$KIND" = counting ] && echo "xen region anon" || echo "xen region anon loaded" ;;
	*) echo "xen region" ;;
	esac
}
# program CONFIG: the policy object a configuration attaches.
program() {
	case $1 in
	fault_around*) echo "/xfo/bench-bpf/fault_around_${1#fault_around}.bpf.o" ;;
	*) echo "$BPF/$1.bpf.o" ;;
	esac
}
error() { echo "XFO-BENCH-ERROR $*"; FAILS=$((FAILS + 1)); }

LAB_DOMU_MEMORY=$DOMU_MEMORY LAB_DOMU_VCPUS=2 lab_domu_start $NAME >/tmp/create.out 2>&1 || {
	sed 's/^/  | /' /tmp/create.out
	error "xl create failed"
	exit 1
}
D=$(xl domid $NAME)
G=/local/domain/$D/data/e2e
# shellcheck disable=SC2034  # domu (tests/e2e/lib.sh) counts from it
SEQ=0
note "domU $NAME is domain $D: $DOMU_MEMORY MB, 2 vCPUs, Xen $KIND"
ready=$(domu_ready)
case $ready in
"1 "*) ;;
*) error "the domU did not load xfo_guest.ko: ${ready:-no answer in 90 s}"
   lab_domu_wait $NAME 5 | tail -n 30; exit 1 ;;
esac
if [ "$KIND" != stock ]; then
	timeout 90 xfoctl domain connect "$D" --wait 60 >/tmp/connect.out 2>&1 || {
		sed 's/^/  | /' /tmp/connect.out
		error "xfoctl domain connect failed: the patched configurations would measure nothing"
		exit 1
	}
fi
domu 300 ". /xfo/bench-lib.sh && LINES=$LINES bench_sort_input" >/dev/null ||
	error "the domU cannot make the sort input: $(tail -n 2 /tmp/domu.out)"

# set_config CONFIG: the configuration's program attached, or none.
set_config() {
	case $1 in
	stock) return 0 ;;
	none) timeout 30 xfoctl domain detach "$D" >/tmp/attach.out 2>&1 ||
		grep -q "has no program attached" /tmp/attach.out ;;
	*) timeout 30 xfoctl domain attach "$D" "$(program "$1")" --replace >/tmp/attach.out 2>&1 ;;
	esac
}

# perfc_json: Xen's perf counters as one JSON object: every counter
# that is not zero by its xenperf name (spaces and signs as _), the
# exceptions by vector (exceptions.14 the page faults) and the hypercalls
# by name (xenperf -p names them, [N] those it has no name for; a line
# under "hypercalls" without T=).
perfc_json() {
	xenperf -p | awk '
	function put(k, v) { if (v + 0 == 0) return; gsub(/[^A-Za-z0-9.]+/, "_", k); gsub(/^_+|_+$/, "", k)
		out = out sep "\"" k "\":" v; sep = "," }
	/T=/ { split($0, a, "T="); name = a[1]; sub(/[ \t]+$/, "", name)
		n = split(a[2], v, " "); put(name, v[1]); hc = (name == "hypercalls")
		if (name == "exceptions") for (i = 2; i <= n; i++) put("exceptions." (i - 2), v[i])
		next }
	hc && NF == 2 { k = $1; gsub(/[][]/, "", k); put("hypercall." k, $2) }
	END { print "{" out "}" }'
}

# The host QEMU runs on loaded by two busy processes (bench/lab/host-load.sh
# reads these lines off the serial console); the pause lets it see them.
host_load() { echo "XFO-BENCH-LOAD $1"; sleep 3; }

r=1
while [ $r -le "$ROUNDS" ]; do
	t0=$(lab_elapsed)
	for c in $CONFIGS; do
		# shellcheck disable=SC2046  # one scope per word
		bench_workloads $(scopes "$c") >/tmp/workloads
		if ! set_config "$c"; then
			error "round $r: $c: $(tail -n 1 /tmp/attach.out)"
			continue
		fi
		while read -r id unit cmd; do
			# Xen's counters cover the command only: the domU's idle
			# polling during the load's pauses would add its own faults.
			case $id in *-loaded) host_load start ;; esac
			[ "$KIND" = stock ] || timeout 30 xfoctl domain reset "$D" >/dev/null 2>&1
			[ "$KIND" != counting ] || xenperf -r || error "xenperf -r failed"
			domu 900 "$cmd" >/dev/null
			rc=$?
			perfc=""
			[ "$KIND" != counting ] || perfc=$(perfc_json)
			xen=""
			[ "$KIND" = stock ] || xen=$(stats "$D" | tr -d '\n')
			case $id in *-loaded) host_load stop ;; esac
			cp /tmp/domu.out /tmp/bench.out
			[ $rc -eq 0 ] || { error "round $r: $c: $id exited $rc"; tail -n 5 /tmp/bench.out; }
			bench_record "$c" $r "$id" "$unit" $rc "$(bench_result)" "$xen" "$perfc"
		done </tmp/workloads
	done
	note "round $r of $ROUNDS took $(echo "$(lab_elapsed) $t0" | awk '{ printf "%.0f", $1 - $2 }') s"
	r=$((r + 1))
done
# After every round the guest's page accounting still balances: every
# page it gave the pool is in the pool, mapped, or freed.
if [ "$KIND" != stock ]; then
	if domu 60 xfo-agent -j status >/dev/null; then
		agent=$(tr -d '\n' </tmp/domu.out)
		bal=$(jget "$agent" pages.balance) mapped=$(jget "$agent" pages.mapped)
		{ [ "$bal" = 0 ] && [ "$mapped" = 0 ]; } ||
			error "the guest's page accounting does not balance: $(echo "$agent" | grep -o '"pages":{[^}]*}')"
		note "guest pages: $(echo "$agent" | grep -o '"pages":{[^}]*}'), pool: $(echo "$agent" | grep -o '"pool":{[^}]*}')"
	else
		error "xfo-agent status failed: $(tail -n 2 /tmp/domu.out)"
	fi
fi
domu 30 exit >/dev/null
lab_domu_destroy $NAME
exit $((FAILS > 100 ? 100 : FAILS))
