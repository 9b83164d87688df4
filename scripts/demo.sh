#!/usr/bin/env bash
# `make demo`: what xfo does today, end to end in userspace. Each example
# policy is verified with the hypervisor's own verifier, disassembled, and
# run on synthetic page faults in the interpreter Xen runs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
xfoctl=$build/xfoctl
bpf=$build/bpf
ctx_region='region=1:0x7f0000000000+0x100000:rw:zero_fill|fault_around'

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "== 1. Verify every example policy (the same verifier runs inside Xen)"
for obj in "$bpf"/*.bpf.o; do
	"$xfoctl" policy verify "$obj"
done

echo
echo "== 2. What Xen would run: fault_around, disassembled"
step "$xfoctl" policy dump "$bpf/fault_around.bpf.o"

echo
echo "== 3. Run policies on synthetic faults"
step "$xfoctl" policy run "$bpf/fault_around.bpf.o" \
	--ctx "addr=0x7f0000001000,error=write|user,$ctx_region"
step "$xfoctl" policy run "$bpf/zero_fill.bpf.o" \
	--ctx "addr=0x7f0000001000,error=write|user,region=1:0x7f0000000000+0x100000:rw:zero_fill"
echo "(a fault from kernel mode bounces to the guest kernel)"
step "$xfoctl" policy run "$bpf/zero_fill.bpf.o" \
	--ctx "addr=0x7f0000001000,error=write,mode=kernel,$ctx_region"
echo "(region_quota counts offloads per region in a map)"
step "$xfoctl" policy run "$bpf/region_quota.bpf.o" -n 5 \
	--ctx "addr=0x7f0000001000,error=write|user,$ctx_region"

echo
echo "== 4. A program the verifier refuses, and why"
refused=$(mktemp)
trap 'rm -f "$refused"' EXIT
# r0 = *(u64 *)(r10 - 8), never written; exit
printf '\x79\xa0\xf8\xff\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$refused"
step "$xfoctl" policy verify --raw "$refused" || true

echo
echo "== 5. The same in JSON, for tools"
step "$xfoctl" -j policy run "$bpf/bounce_all.bpf.o" --ctx "addr=0x1000"

echo
echo "The same programs in Xen: 'make lab-shell' boots the patched Xen under"
echo "QEMU with a dom0 shell (docs/lab.md), where 'xfoctl domain attach' puts"
echo "one on a domain; tests/suites/guest-e2e.once.sh build/rel runs a PV guest"
echo "whose page faults Xen resolves (docs/guest.md, docs/architecture.md)."
