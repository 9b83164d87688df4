# shellcheck shell=sh
# tests/e2e/stock-dom0.sh: the stock-Xen test, run by the lab's dom0 as its
# payload (/xfo/run.sh) under Debian's unpatched Xen, which has no xfo
# hypercall (tests/suites/stock-xen.once.sh builds the image). Real Xen's
# ENOSYS, where cli-xen.sh shows it against a fake libxencall: xfoctl's
# commands fail with the error naming a Xen without xfo, in text and in
# JSON; dom0 itself works; xfo_guest.ko, when packed, loads and unloads,
# its unload freeing every page on Xen's -ENOSYS. Prints "XFO-E2E
# PASS|FAIL name" lines; exits with the number of failures (at most 100).
# shellcheck source=../../lab/rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh
# shellcheck source=lib.sh
. /xfo/lib.sh

# lib/xen.c's text for ENOSYS, the same for every op.
ENOSYS_TEXT='this Xen has no xfo hypercall (built without CONFIG_XFO?) (ENOSYS)'

command -v xfoctl >/dev/null || { fail setup "xfoctl is not in the image (not built?)"; exit 1; }

# --- dom0 works under this Xen ------------------------------------------------
if timeout 30 xl info >/tmp/xl-info.out 2>&1 &&
   grep -qE '^xen_version +: +4\.17' /tmp/xl-info.out; then
	grep -E '^(xen_version|xen_extra|xen_changeset) ' /tmp/xl-info.out | sed 's/^/  | /'
	pass dom0.xl_info
else
	fail dom0.xl_info "xl info failed or names no Xen 4.17: $(head -c 300 /tmp/xl-info.out)"
fi

# --- xfoctl: ENOSYS from Xen --------------------------------------------------
# xc ARGS...: runs xfoctl; stdout in /tmp/out, stderr in /tmp/err, status
# in rc.
xc() {
	timeout 30 xfoctl "$@" >/tmp/out 2>/tmp/err
	rc=$?
}
# said: what the last xc printed, for a failure's reason.
said() {
	echo "status $rc, stdout '$(head -c 200 /tmp/out | tr '\n' ' ')'," \
		"stderr '$(head -c 200 /tmp/err | tr '\n' ' ')'"
}

# enosys_text NAME ARGS...: xfoctl ARGS exits 1 with exactly the ENOSYS
# error on stderr and nothing on stdout.
enosys_text() {
	name=$1; shift
	xc "$@"
	if [ $rc -eq 1 ] && [ "$(cat /tmp/err)" = "Error: $ENOSYS_TEXT" ] && [ ! -s /tmp/out ]; then
		pass "$name"
	else
		fail "$name" "xfoctl $*: $(said)"
	fi
}

# enosys_json NAME ARGS...: xfoctl -j ARGS exits 1 with exactly the ENOSYS
# error as JSON on stdout and nothing on stderr.
enosys_json() {
	name=$1; shift
	xc -j "$@"
	if [ $rc -eq 1 ] && [ "$(cat /tmp/out)" = "{\"error\":\"$ENOSYS_TEXT\"}" ] && [ ! -s /tmp/err ]; then
		pass "$name"
	else
		fail "$name" "xfoctl -j $*: $(said)"
	fi
}

enosys_text enosys.xen_version xen version
enosys_json enosys.xen_version_json xen version
# Domain and program commands ask Xen's interface version first.
enosys_text enosys.domain_stats domain stats 0
# attach passes the local verifier, then reaches Xen.
enosys_json enosys.domain_attach_json domain attach 0 /xfo/bpf/counting.bpf.o
enosys_text enosys.program_list program list

# --- the guest module: unload on -ENOSYS frees its pages ---------------------
# dom0 is a PV domain too: the module offers its areas in xenstore and, at
# unload, asks Xen to unmap them; a Xen without xfo answers -ENOSYS, so
# nothing was ever mapped and every page it allocated is freed.
KO=/xfo/xfo_guest.ko
if [ -f $KO ]; then
	dmesg -c >/dev/null 2>&1
	if ! insmod $KO >/tmp/insmod.out 2>&1; then
		fail module.unload_enosys "insmod $KO failed: $(head -c 300 /tmp/insmod.out)"
	else
		sleep 1	# a pool refill or two
		rmmod xfo_guest >/tmp/rmmod.out 2>&1 || note "rmmod xfo_guest: $(cat /tmp/rmmod.out)"
		dmesg | grep 'xfo' | sed 's/^/  | /'
		unloaded=$(dmesg | sed -n 's/.*unloaded: \([0-9]*\) pages allocated, \([0-9]*\) freed.*/\1 \2/p' | tail -n 1)
		if ! dmesg | grep -q 'offered to dom0 in '; then
			fail module.unload_enosys "the module did not publish its areas: its unload never asked Xen"
		elif ! dmesg | grep -q 'XFOOP_unmap_guest_areas: -ENOSYS, this Xen has no xfo'; then
			fail module.unload_enosys "no -ENOSYS answer to XFOOP_unmap_guest_areas at unload"
		elif [ -z "$unloaded" ] || [ "${unloaded% *}" -lt 1 ] ||
		     [ "${unloaded% *}" != "${unloaded#* }" ]; then
			fail module.unload_enosys "pages allocated and freed differ (or none): '$unloaded'"
		elif lsmod | grep -q '^xfo_guest '; then
			fail module.unload_enosys "xfo_guest is still loaded"
		else
			pass module.unload_enosys
		fi
	fi
fi

[ "$E2E_FAILS" -le 100 ] || E2E_FAILS=100
exit "$E2E_FAILS"
