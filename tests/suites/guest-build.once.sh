#!/usr/bin/env bash
# The guest side (guest-agent/, docs/guest.md), on the host:
#   - Debian's headers for the lab's guest kernel are fetched and unpacked
#     (build/guest/headers; the network once, then the cache);
#   - xfo_guest.ko builds against them without a warning, GPL, with the
#     vermagic of the kernel the lab boots (build/lab/versions.txt's
#     kernel-release), every symbol it needs exported by that kernel;
#   - the shim's decisions and the size syntax (shim_test), xfo-agent's
#     arguments and its JSON (agent_test, json_check);
#   - shim_workload's checks hold without the shim, with the shim and no
#     device (every mapping falls back to the kernel) and with the shim on
#     a stand-in device (/dev/zero: regions are served, partial munmap,
#     madvise, mremap, realloc go through the shim's paths);
#   - xfo-agent run passes LD_PRELOAD and the threshold; status without
#     the module says so, in JSON too; the domU workloads are static.
# The module itself runs in the lab: tests/guest/guest-tests.sh.
# Usage: tests/suites/guest-build.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
short() { grep -v '^ *$' "$1" | tail -n "${2:-3}" | tr '\n' ' ' | cut -c1-400; }

# --- the kernel the lab boots --------------------------------------------------
# build/lab/versions.txt's kernel-release, written by lab/fetch-debs.sh (a
# few seconds when its packages are cached); the headers fetch below reads
# the same file.
lab_kernel() { (. lab/common.sh && lab_kver) 2>/dev/null; }
lab_kr=$(lab_kernel)
if [ -z "$lab_kr" ]; then
	echo "note: build/lab/versions.txt names no kernel-release: lab/fetch-debs.sh --quiet"
	lab/fetch-debs.sh --quiet >"$T/debs.log" 2>&1 || cat "$T/debs.log"
	lab_kr=$(lab_kernel)
fi

# --- the module ---------------------------------------------------------------
if hdr=$(guest-agent/kmod/fetch-headers.sh 2>"$T/fetch.log"); then
	# Setup, not a case: a note, with any fallback named.
	cat "$T/fetch.log"
	echo "note: guest kernel headers: $(cat build/guest/headers/.xfo-headers)"
	grep -q FALLBACK "$T/fetch.log" &&
		echo "note: FALLBACK: $(grep -o 'FALLBACK [^(]*' "$T/fetch.log" | tr '\n' ' ')"
else
	cat "$T/fetch.log"
	fail "fetch guest kernel headers" "$(short "$T/fetch.log")"
	hdr=""
fi

ko=build/guest/kmod/xfo_guest.ko
if [ -n "$hdr" ]; then
	if guest-agent/kmod/build.sh --offline >"$T/kbuild.log" 2>&1; then
		echo "note: setup: xfo_guest.ko built"
		# An incremental build prints nothing: rebuild main.o and xen.o
		# from scratch so that their warnings are seen.
		rm -f build/guest/kmod/{main,xen}.o build/guest/kmod/.{main,xen}.o.cmd
		guest-agent/kmod/build.sh --offline >"$T/kbuild.log" 2>&1
		if grep -qiE 'warning|error' "$T/kbuild.log"; then
			grep -iE 'warning|error' "$T/kbuild.log" | head -n 20
			fail "xfo_guest.ko builds without warnings" "$(grep -iE 'warning|error' "$T/kbuild.log" | head -n 2 | tr '\n' ' ')"
		else
			pass "xfo_guest.ko builds without warnings (modpost: no undefined symbols)"
		fi
	else
		cat "$T/kbuild.log"
		fail "xfo_guest.ko builds" "$(short "$T/kbuild.log")"
	fi
	if [ -f "$ko" ]; then
		strings -a "$ko" | grep -E '^(license|vermagic|depends)=' >"$T/modinfo"
		kr=$(basename "$hdr" | sed 's/^linux-headers-//')
		if grep -qx 'license=GPL' "$T/modinfo"; then
			pass "module licence GPL"
		else
			fail "module licence GPL" "$(tr '\n' ' ' <"$T/modinfo")"
		fi
		if [ -z "$lab_kr" ]; then
			fail "vermagic is the lab kernel's" "build/lab/versions.txt names no kernel-release, even after lab/fetch-debs.sh: $(short "$T/debs.log")"
		elif grep -q "^vermagic=$lab_kr " "$T/modinfo"; then
			pass "vermagic is the lab kernel's ($lab_kr)"
		else
			fail "vermagic is the lab kernel's ($lab_kr)" "$(grep vermagic "$T/modinfo") (headers: $kr)"
		fi
		# Every undefined symbol is exported by that kernel.
		missing=
		for s in $(nm -u "$ko" | awk '{ print $2 }'); do
			grep -qP "^0x[0-9a-f]+\t$s\t" "$hdr/Module.symvers" || missing="$missing $s"
		done
		if [ -z "$missing" ]; then
			pass "every symbol xfo_guest.ko uses is exported by $kr"
		else
			fail "every symbol xfo_guest.ko uses is exported by $kr" "missing:$missing"
		fi
	fi
fi

# --- userspace --------------------------------------------------------------
for b in guest-agent/xfo-agent guest-agent/libxfo_preload.so tests/guest/touch_region \
	 tests/guest/map_unmap_loop tests/guest/region_edges tests/guest/shim_workload tests/guest/shim_test \
	 tests/guest/agent_test tests/cli/json_check; do
	[ -e "$B/$b" ] || { fail setup "$B/$b is not built"; exit 1; }
done

run_unit() {
	local name=$1; shift
	"$@" >"$T/unit" 2>&1
	local rc=$?
	cat "$T/unit"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$T/unit"; then
		fail "$name" "exited $rc: $(short "$T/unit")"
	fi
}
run_unit shim_test "$B/tests/guest/shim_test"
run_unit agent_test "$B/tests/guest/agent_test"

if "$B/tests/guest/agent_test" json >"$T/status.json" && "$B/tests/cli/json_check" <"$T/status.json" >/dev/null 2>&1; then
	pass "status JSON is valid"
else
	fail "status JSON is valid" "$(head -c 300 "$T/status.json")"
fi

SHIM=$PWD/$B/guest-agent/libxfo_preload.so
WL=$B/tests/guest/shim_workload
# The shim has no sanitizer of its own; an ASan workload would want its
# runtime first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
workload() {
	local name=$1; shift
	if "$@" >"$T/wl" 2>&1; then
		pass "$name ($(grep -o '[0-9]* regions served[^,]*' "$T/wl"))"
	else
		cat "$T/wl"
		fail "$name" "$(grep -E 'FAIL|error' "$T/wl" | head -n 3 | tr '\n' ' ')"
	fi
}
workload "shim_workload without the shim" "$WL" --expect-none
workload "shim_workload, shim, no device: falls back to normal mmap" \
	env LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE="$T/no-such-device" "$WL" --expect-none
workload "shim_workload, shim, device refuses (EACCES): falls back" \
	env LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE=/proc/version "$WL" --expect-none
workload "shim_workload, shim, stand-in device: served" \
	env LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE=/dev/zero "$WL" --expect-served
workload "shim_workload, shim, XFO_PRELOAD_DISABLE=1" \
	env LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE=/dev/zero XFO_PRELOAD_DISABLE=1 "$WL" --expect-none
workload "shim_workload, shim, threshold 64M: nothing large enough" \
	env LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE=/dev/zero XFO_PRELOAD_THRESHOLD=64M "$WL" --expect-none
workload "shim_workload under xfo-agent run -d /dev/zero" \
	"$B/guest-agent/xfo-agent" -d /dev/zero run -- "$WL" --expect-served

# Programs run under the shim as usual (the shell, coreutils, a pipe).
if out=$(LD_PRELOAD="$SHIM" XFO_PRELOAD_DEVICE=/dev/zero sh -c 'seq 1 200000 | sort -n | tail -n 1' 2>&1) &&
   [ "$out" = 200000 ]; then
	pass "shell pipeline under the shim"
else
	fail "shell pipeline under the shim" "$out"
fi

A=$B/guest-agent/xfo-agent
if out=$("$A" run --threshold 2M -- env 2>&1) &&
   printf '%s\n' "$out" | grep -qx "LD_PRELOAD=$SHIM" &&
   printf '%s\n' "$out" | grep -qx 'XFO_PRELOAD_THRESHOLD=2097152'; then
	pass "xfo-agent run sets LD_PRELOAD and XFO_PRELOAD_THRESHOLD"
else
	fail "xfo-agent run sets LD_PRELOAD and XFO_PRELOAD_THRESHOLD" "$(printf '%s\n' "$out" | grep -E 'LD_PRELOAD|XFO_' | tr '\n' ' ')"
fi
if out=$(LD_PRELOAD=/lib/x86_64-linux-gnu/libc.so.6 "$A" run --no-malloc -- env 2>&1) &&
   printf '%s\n' "$out" | grep -qx "LD_PRELOAD=$SHIM:/lib/x86_64-linux-gnu/libc.so.6" &&
   printf '%s\n' "$out" | grep -qx 'XFO_PRELOAD_MALLOC=0'; then
	pass "xfo-agent run keeps an existing LD_PRELOAD; --no-malloc"
else
	fail "xfo-agent run keeps an existing LD_PRELOAD; --no-malloc" "$(printf '%s\n' "$out" | grep -E 'LD_PRELOAD|XFO_' | tr '\n' ' ')"
fi
"$A" run -- /no/such/program >"$T/out" 2>&1
rc=$?
if [ $rc -eq 127 ] && grep -q 'no/such/program' "$T/out"; then
	pass "xfo-agent run of a missing program: 127 and a message"
else
	fail "xfo-agent run of a missing program: 127 and a message" "rc $rc: $(cat "$T/out")"
fi
"$A" run --threshold 1X -- true >"$T/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "not a size" "$T/out"; then
	pass "xfo-agent run --threshold 1X: usage error"
else
	fail "xfo-agent run --threshold 1X: usage error" "rc $rc: $(cat "$T/out")"
fi
"$A" run --preload "$T/none.so" -- true >"$T/out" 2>&1
rc=$?
if [ $rc -eq 127 ] && grep -q "cannot find" "$T/out"; then
	pass "xfo-agent run without the shim: a message"
else
	fail "xfo-agent run without the shim: a message" "rc $rc: $(cat "$T/out")"
fi

"$A" -d "$T/no-xfo" status >"$T/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'is xfo_guest.ko loaded' "$T/out"; then
	pass "xfo-agent status without the module"
else
	fail "xfo-agent status without the module" "rc $rc: $(cat "$T/out")"
fi
"$A" -d "$T/no-xfo" status -j >"$T/out" 2>/dev/null
rc=$?
if [ $rc -eq 1 ] && "$B/tests/cli/json_check" <"$T/out" >/dev/null 2>&1 && grep -q '"error"' "$T/out"; then
	pass "xfo-agent status -j without the module: a JSON error"
else
	fail "xfo-agent status -j without the module: a JSON error" "rc $rc: $(cat "$T/out")"
fi
"$A" -d /dev/null status >"$T/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'XFO_GUEST_IOC_STATS' "$T/out"; then
	pass "xfo-agent status on a device that is not the module"
else
	fail "xfo-agent status on a device that is not the module" "rc $rc: $(cat "$T/out")"
fi

# The domU's initramfs takes binaries with their ldd libraries; the
# module workloads are static so that they need none.
for w in touch_region map_unmap_loop region_edges; do
	lddout=$(ldd "$B/tests/guest/$w" 2>&1)
	if printf '%s\n' "$lddout" | grep -qE 'not a dynamic|statically'; then
		pass "$w is static"
	else
		fail "$w is static" "$(printf '%s\n' "$lddout" | head -n 2 | tr '\n' ' ')"
	fi
done

# The workloads on a stand-in device: they run to their end (statistics
# absent), which is all the host can show.
if out=$("$B/tests/guest/touch_region" 8 --device /dev/zero 2>&1) && printf '%s\n' "$out" | grep -q 'touch_region: ok'; then
	pass "touch_region 8 on a stand-in device"
else
	fail "touch_region 8 on a stand-in device" "$(printf '%s\n' "$out" | tail -n 2 | tr '\n' ' ')"
fi
if out=$("$B/tests/guest/map_unmap_loop" 8 1 --device /dev/zero 2>&1) && printf '%s\n' "$out" | grep -q 'map_unmap_loop: ok'; then
	pass "map_unmap_loop 8 on a stand-in device"
else
	fail "map_unmap_loop 8 on a stand-in device" "$(printf '%s\n' "$out" | tail -n 2 | tr '\n' ' ')"
fi
if sh -n tests/guest/guest-tests.sh 2>"$T/out"; then
	pass "tests/guest/guest-tests.sh parses"
else
	fail "tests/guest/guest-tests.sh parses" "$(cat "$T/out")"
fi
exit 0
