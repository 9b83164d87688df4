# shellcheck shell=sh
# The lab's smoke test (make lab-boot), run by dom0's /init: the Xen
# control plane answers, xl info works, and a PV domU boots, reaches
# xenstore and runs its own payload. Exits non-zero on the first failure.
# shellcheck source=../../rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh

check() {
	name=$1; shift
	if out=$("$@" 2>&1); then
		echo "XFO-LAB PASS $name"
	else
		echo "$out" | tail -n 20
		echo "XFO-LAB FAIL $name: '$*' exited non-zero"
		exit 1
	fi
}

check xl-info timeout 30 xl info
timeout 30 xl info | grep -E '^(xen_version|xen_extra|xen_commandline|total_memory|nr_cpus)'
check xl-list timeout 30 xl list
check xenstore-dom0-name timeout 10 xenstore-read /local/domain/0/name
if [ -x /usr/bin/xfoctl ]; then
	xfoctl version || true
	# Only the patched Xen has the hypercall; the smoke test needs neither.
	timeout 30 xfoctl xen version 2>&1 || echo "(no xfo hypercall: stock Xen)"
fi

lab_domu_start smoke || { echo "XFO-LAB FAIL domu-create: xl create failed"; exit 1; }
lab_domu_wait smoke 90
rc=$?
lab_domu_destroy smoke
[ $rc -eq 0 ] || { echo "XFO-LAB FAIL domu: its payload exited $rc"; exit 1; }
echo "XFO-LAB PASS domu ($(lab_elapsed)s of dom0 uptime)"
if dmesg | grep -E 'segfault at|traps:'; then
	echo "XFO-LAB FAIL no-crashes: a dom0 program crashed (above)"
	exit 1
fi
echo "XFO-LAB PASS no-crashes"
exit 0
