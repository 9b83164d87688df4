#!/usr/bin/env bash
# tests/guest/lab-run.sh: run tests/guest/guest-tests.sh in a PV domU of
# the QEMU lab (docs/lab.md), with xfo_guest.ko and the guest binaries.
#
# Builds the module and the userspace first (make guest), assembles a domU
# payload in build/guest/lab/domu (guest-tests.sh as its run.sh's work,
# the module, xfo-agent, libxfo_preload.so, the workloads) and a dom0
# payload (tests/guest/lab/dom0-run.sh), then lab/run-payload.sh.
# The serial log is build/lab/logs/guest.log.
#
# Usage: tests/guest/lab-run.sh [--build DIR] [boot.sh options, e.g. --xen debian]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=build/rel
boot=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	*) boot+=("$1"); shift ;;
	esac
done

make --no-print-directory O="$build" SAN=0 guest "$build/xfoctl" "$build/tests/e2e/xfo_probe" >&2

out=build/guest/lab
rm -rf "$out"
mkdir -p "$out/domu" "$out/dom0"
cp build/guest/kmod/xfo_guest.ko tests/guest/guest-tests.sh "$out/domu/"
for b in guest-agent/xfo-agent guest-agent/libxfo_preload.so tests/guest/touch_region \
	 tests/guest/map_unmap_loop tests/guest/region_edges tests/guest/shim_workload; do
	cp "$build/$b" "$out/domu/"
done
# xfo-agent, the shim and shim_workload need only libc, which the domU
# image has for xfoctl and xfo_probe.
# The version the module publishes, from the one place it is defined.
version=$(awk '$1 == "#define" && $2 == "XFO_INTERFACE_VERSION" { sub(/u$/, "", $3); print $3 }' include/xfo.h)
[ -n "$version" ] || { echo "lab-run: no XFO_INTERFACE_VERSION in include/xfo.h" >&2; exit 1; }
cat >"$out/domu/run.sh" <<RUN
sh /xfo/guest-tests.sh --answer refuse-connect --version $version
RUN
cp tests/guest/lab/dom0-run.sh "$out/dom0/run.sh"

exec lab/run-payload.sh --name guest --build "$build" --payload "$out/dom0" \
	--domu-payload "$out/domu" --timeout 1200 "${boot[@]}"
