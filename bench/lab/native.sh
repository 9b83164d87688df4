# shellcheck shell=sh
# bench/lab/native.sh: the lab benchmark on native Linux (run.sh of an
# initramfs booted by `lab/boot.sh --native`): the "anon" workloads of
# /xfo/workloads, ROUNDS times, one bench_record each.
export PATH=/xfo:/usr/bin:/bin:/usr/sbin:/sbin
# shellcheck source=/dev/null  # written by bench/lab/run.sh
. /xfo/bench.conf
# shellcheck source=bench-lib.sh
. /xfo/bench-lib.sh

echo "bench: native Linux $(uname -r), $(nproc) CPUs, $(sed -n 's/MemTotal: *//p' /proc/meminfo)"
bench_sort_input || { echo "bench: cannot make the sort input"; exit 1; }
bench_workloads anon >/tmp/workloads
fails=0
r=1
while [ $r -le "$ROUNDS" ]; do
	while read -r id unit cmd; do
		sh -c "$cmd" >/tmp/bench.out 2>&1
		rc=$?
		[ $rc -eq 0 ] || { fails=$((fails + 1)); sed 's/^/bench| /' /tmp/bench.out | tail -n 5; }
		bench_record native $r "$id" "$unit" $rc "$(bench_result)" ""
	done </tmp/workloads
	r=$((r + 1))
done
exit $((fails > 100 ? 100 : fails))
