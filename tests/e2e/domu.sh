# shellcheck shell=sh
# tests/e2e/domu.sh: the end-to-end test's part in a PV domU (not the
# control domain): every control op of the xfo hypercall must be refused
# with EPERM by Xen. Prints "XFO-E2E-DOMU PASS|FAIL name" lines, which
# dom0 reads from the domU's console log.
if dmesg | grep -q 'blocking all hypercalls'; then
	echo "XFO-E2E-DOMU FAIL privcmd: the domU kernel blocks hypercalls itself; Xen's answer cannot be seen"
	exit 1
fi
[ -c /dev/xen/privcmd ] || { echo "XFO-E2E-DOMU FAIL privcmd: no /dev/xen/privcmd"; exit 1; }
command -v xfo_probe >/dev/null || { echo "XFO-E2E-DOMU FAIL setup: no xfo_probe in the domU image"; exit 1; }
echo "XFO-E2E-DOMU PASS privcmd"
timeout 60 xfo_probe eperm >/tmp/eperm.out 2>&1
rc=$?
sed -n 's/^\(PASS\|FAIL\) /XFO-E2E-DOMU \1 /p' /tmp/eperm.out
grep -v '^PASS \|^FAIL ' /tmp/eperm.out
exit $rc
