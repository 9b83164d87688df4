# shellcheck shell=bash
# tests/e2e/host-lib.sh: helpers of the lab suites on the host
# (tests/suites/xen-e2e.once.sh, guest-e2e.once.sh), sourced from the top
# of the tree. Not a payload file: tests/e2e/lib.sh is the one copied
# into dom0. The functions use the suite's pass, fail and elapsed.

# make_xen SUITE LOG: builds the patched Xen (`make xen`, output in LOG)
# when build/xen/xen is missing or older than hypervisor-patch/, core/ or
# include/xfo.h. Then "pass make_xen"; or "fail make_xen WHY" and status
# 1. SUITE names the suite in the progress lines.
make_xen() {
	local suite=$1 log=$2 stale="" newer

	if ! make -n xen >/dev/null 2>&1; then
		fail make_xen "there is no 'make xen' target (hypervisor-patch/build.mk) to build the patched Xen"
		return 1
	fi
	if [ ! -f build/xen/xen ]; then
		stale="build/xen/xen does not exist"
	else
		newer=$(find hypervisor-patch core include/xfo.h -type f -newer build/xen/xen 2>/dev/null | head -n 1)
		[ -z "$newer" ] || stale="$newer is newer than build/xen/xen"
	fi
	if [ -n "$stale" ]; then
		echo "$suite: make xen ($stale)"
		mkdir -p "$(dirname "$log")"
		if ! make --no-print-directory xen >"$log" 2>&1; then
			tail -n 30 "$log"
			fail make_xen "make xen failed (log: $log)"
			return 1
		fi
		echo "$suite: make xen done after $(elapsed)s"
	fi
	if [ ! -f build/xen/xen ]; then
		fail make_xen "make xen left no build/xen/xen"
		return 1
	fi
	pass make_xen
}
