#!/usr/bin/env bash
# bench/lab/host-load.sh SERIAL_LOG LOAD_LOG: loads this host, the machine
# QEMU runs on, with two busy processes while the lab's dom0 says so:
# "XFO-BENCH-LOAD start" on the serial console starts them, "XFO-BENCH-LOAD
# stop" ends them (bench/lab/dom0.sh, around the loaded workloads). Writes
# "start"/"stop" with the time to LOAD_LOG, which bench/lab/report.py
# checks against the loaded records. Runs until killed (bench/lab/run.sh).
set -uo pipefail
serial=${1:?usage: $0 SERIAL_LOG LOAD_LOG}
load_log=${2:?usage: $0 SERIAL_LOG LOAD_LOG}
busy=() tail_pid=""

stop_load() {
	[ ${#busy[@]} -eq 0 ] && return
	kill "${busy[@]}" 2>/dev/null
	wait "${busy[@]}" 2>/dev/null
	busy=()
	echo "stop $(date +%s.%N)" >>"$load_log"
}
trap 'stop_load; [ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null; exit 0' TERM INT EXIT

: >"$load_log"
exec {lines}< <(exec tail -n +1 -F "$serial" 2>/dev/null)
tail_pid=$!
while IFS= read -r line <&"$lines"; do
	case $line in
	*"XFO-BENCH-LOAD start"*)
		if [ ${#busy[@]} -eq 0 ]; then
			for _ in 1 2; do
				sh -c 'while :; do :; done' &
				busy+=($!)
			done
			echo "start $(date +%s.%N)" >>"$load_log"
		fi ;;
	*"XFO-BENCH-LOAD stop"*) stop_load ;;
	esac
done
