# shellcheck shell=sh
# The dom0 half of the guest lab test (tests/guest/lab-run.sh copies it to
# the dom0 payload as run.sh). Starts the PV domU whose payload is
# tests/guest/guest-tests.sh and plays the part of a dom0 that refuses the
# guest's first handshake (backend-state 6 and a backend-error), which
# the module must record while it keeps working without offload, and
# answers the second one (after the module's reload) with 4.
# shellcheck source=../../../lab/rootfs/xfo-lab.sh
. /usr/lib/xfo-lab.sh

lab_domu_start guest || { echo "XFO-LAB FAIL domu-create: xl create failed"; exit 1; }
id=$(xl domid guest)
(
	n=0
	while [ $n -lt 600 ]; do
		st=$(xenstore-read /local/domain/"$id"/data/xfo/state 2>/dev/null)
		if [ "$st" = 3 ]; then
			xenstore-write /local/domain/"$id"/data/xfo/backend-error "lab: refused on purpose"
			xenstore-write /local/domain/"$id"/data/xfo/backend-state 6
			echo "dom0: answered the guest's handshake with backend-state 6"
			break
		fi
		n=$((n + 1))
		sleep 0.5
	done
	# The module's reload removes the old answer, then reaches 3 again,
	# which is answered with 4. Nothing is mapped (this Xen has no
	# resolver), which is why the guest's unload may free the pages all
	# the same.
	while [ $n -lt 1800 ] && xenstore-read /local/domain/"$id"/data/xfo/backend-state >/dev/null 2>&1; do
		n=$((n + 1)); sleep 0.5
	done
	while [ $n -lt 1800 ]; do
		if [ "$(xenstore-read /local/domain/"$id"/data/xfo/state 2>/dev/null)" = 3 ]; then
			xenstore-write /local/domain/"$id"/data/xfo/backend-state 4
			echo "dom0: answered the guest's second handshake with backend-state 4"
			break
		fi
		n=$((n + 1)); sleep 0.5
	done
) &
lab_domu_wait guest "${XFO_GUEST_TIMEOUT:-900}"
rc=$?
lab_domu_destroy guest
[ $rc -eq 0 ] && echo "XFO-LAB PASS guest-tests" || echo "XFO-LAB FAIL guest-tests: the domU's payload exited $rc"
exit $rc
