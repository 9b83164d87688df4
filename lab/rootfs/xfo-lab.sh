# shellcheck shell=sh
# /usr/lib/xfo-lab.sh: helpers for test payloads running in the lab's dom0
# (source it from /xfo/run.sh). See docs/lab.md.
#
#   lab_domu_start NAME       xl create the PV domU packed in /xfo/domu
#                             (LAB_DOMU_MEMORY MB, default 256;
#                             LAB_DOMU_VCPUS, default 1)
#   lab_domu_wait NAME SECS   wait for its "XFO-DOMU-END rc=N" line; prints
#                             its console log prefixed "domU| "; returns N
#                             (124 when the line did not come in time)
#   lab_domu_destroy NAME     xl destroy, quietly
#   lab_elapsed               seconds since dom0 booted

LAB_DOMU_DIR=/xfo/domu
LAB_CONSOLE_DIR=/var/log/xen/console

lab_elapsed() { cut -d' ' -f1 /proc/uptime; }

lab_domu_start() {
	name=$1
	{ [ -f "$LAB_DOMU_DIR/vmlinuz" ] && [ -f "$LAB_DOMU_DIR/initrd.img" ]; } || {
		echo "lab_domu_start: no domU image in $LAB_DOMU_DIR (build the dom0 initramfs with --domu-payload)"
		return 1
	}
	cat >"/run/$name.cfg" <<CFG
name = "$name"
type = "pv"
memory = ${LAB_DOMU_MEMORY:-256}
vcpus = ${LAB_DOMU_VCPUS:-1}
kernel = "$LAB_DOMU_DIR/vmlinuz"
ramdisk = "$LAB_DOMU_DIR/initrd.img"
extra = "console=hvc0 quiet"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
	timeout 90 xl create "/run/$name.cfg"
}

lab_domu_wait() {
	name=$1 secs=$2 log=$LAB_CONSOLE_DIR/guest-$1.log n=0 rc=124
	while [ $n -lt $((secs * 5)) ]; do
		# Whole lines only: xenconsoled writes as the bytes come.
		if [ -f "$log" ]; then
			rc=$(head -n "$(wc -l <"$log")" "$log" | tr -d '\r' |
				sed -n 's/.*XFO-DOMU-END rc=\([0-9][0-9]*\)$/\1/p' | head -n 1)
			[ -n "$rc" ] && break
			rc=124
		fi
		n=$((n + 1))
		sleep 0.2
	done
	if [ -f "$log" ]; then
		tr -d '\r' <"$log" | sed 's/^/domU| /'
	else
		echo "lab_domu_wait: no console log $log"
	fi
	[ "$rc" = 124 ] && echo "lab_domu_wait: $name printed no XFO-DOMU-END within ${secs}s"
	return "$rc"
}

lab_domu_destroy() {
	timeout 30 xl destroy "$1" >/dev/null 2>&1 || true
}
