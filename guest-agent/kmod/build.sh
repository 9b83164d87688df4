#!/usr/bin/env bash
# guest-agent/kmod/build.sh: build xfo_guest.ko against the lab's guest
# kernel headers (fetch-headers.sh) in build/guest/kmod, out of the source
# tree. The kbuild log is build/guest/kmod/build.log.
#
# Usage: guest-agent/kmod/build.sh [--offline] [--headers DIR]
#   --offline       never fetch: use the headers already unpacked
#   --headers DIR   build against DIR instead (a kernel build or headers
#                   tree: what `make -C DIR M=...` takes)
# Environment: XFO_GUEST_OUT (default build/guest), JOBS.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${XFO_GUEST_OUT:-$root/build/guest}
offline=() hdr=""
while [ $# -gt 0 ]; do
	case $1 in
	--offline) offline=(--offline); shift ;;
	--headers) hdr=$2; shift 2 ;;
	*) echo "usage: $0 [--offline] [--headers DIR]" >&2; exit 2 ;;
	esac
done

if [ -z "$hdr" ]; then
	hdr=$("$root/guest-agent/kmod/fetch-headers.sh" "${offline[@]}")
fi
[ -f "$hdr/Makefile" ] || { echo "[guest-kmod] ERROR: no kernel headers at $hdr" >&2; exit 1; }

kdir=$out/kmod
mkdir -p "$kdir"
# Sources only; kbuild's outputs of an earlier build stay for incremental builds.
for f in "$root"/guest-agent/kmod/Kbuild "$root"/guest-agent/kmod/*.[ch]; do
	cmp -s "$f" "$kdir/$(basename "$f")" || cp "$f" "$kdir/"
done

echo "[guest-kmod] building xfo_guest.ko against ${hdr#"$root"/}" >&2
set +e
# Not the project's make variables: O=, SAN=, CFLAGS= from `make O=...`
# reach a sub-make through MAKEFLAGS, and kbuild reads O as its output tree.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u O -u CFLAGS -u LDFLAGS \
	make -C "$hdr" M="$kdir" XFO_ROOT="$root" -j"${JOBS:-$(nproc)}" modules >"$kdir/build.log" 2>&1
rc=$?
set -e
cat "$kdir/build.log" >&2
[ $rc -eq 0 ] || { echo "[guest-kmod] ERROR: kbuild failed (log: ${kdir#"$root"/}/build.log)" >&2; exit 1; }
[ -f "$kdir/xfo_guest.ko" ] || { echo "[guest-kmod] ERROR: no xfo_guest.ko" >&2; exit 1; }
echo "[guest-kmod] $kdir/xfo_guest.ko ($(cat "$out/headers/.xfo-headers" 2>/dev/null || basename "$hdr"))" >&2
