# shellcheck shell=sh
# tests/e2e/domu.sh: the end-to-end test's part in a PV domU (not the
# control domain): every control op of the xfo hypercall must be refused
# with EPERM by Xen (xfo_probe eperm), and xfoctl says so in its words,
# in text and in JSON. Prints "XFO-E2E-DOMU PASS|FAIL name" lines, which
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

# xfoctl's commands ask Xen's interface version first: its EPERM, in
# lib/xen.c's words, exit status 1, nothing else printed.
EPERM_TEXT='only the control domain may query the xfo interface (EPERM)'
# xfoctl_eperm NAME WANT_ERR WANT_OUT ARGS...: xfoctl ARGS exits 1 with
# exactly WANT_ERR on stderr and WANT_OUT on stdout.
xfoctl_eperm() {
	name=$1 want_err=$2 want_out=$3
	shift 3
	timeout 30 xfoctl "$@" >/tmp/xfoctl.out 2>/tmp/xfoctl.err
	xrc=$?
	if [ $xrc -eq 1 ] && [ "$(cat /tmp/xfoctl.err)" = "$want_err" ] &&
	   [ "$(cat /tmp/xfoctl.out)" = "$want_out" ]; then
		echo "XFO-E2E-DOMU PASS $name"
	else
		echo "XFO-E2E-DOMU FAIL $name: xfoctl $*: status $xrc, stdout '$(head -c 200 /tmp/xfoctl.out | tr '\n' ' ')', stderr '$(head -c 200 /tmp/xfoctl.err | tr '\n' ' ')'"
		rc=1
	fi
}
xfoctl_eperm eperm_xfoctl_text "Error: $EPERM_TEXT" '' xen version
xfoctl_eperm eperm_xfoctl_json '' "{\"error\":\"$EPERM_TEXT\"}" -j domain stats 0
exit $rc
