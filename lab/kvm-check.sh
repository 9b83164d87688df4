#!/usr/bin/env bash
# lab/kvm-check.sh: may the lab use KVM on this host? Runs the smoke boot
# (make lab-boot's payload) under KVM once; on success writes
# build/lab/kvm-check.ok, which lab/boot.sh --accel auto then honours.
# Hosts whose /dev/kvm cannot run Xen are refused without a boot: no
# /dev/kvm, kvm_pvm (software virtualisation, as on the machines this
# lab was built on), no vmx/svm CPU flag. --force boots anyway.
#
# Usage: lab/kvm-check.sh [--force] [--build DIR]
set -euo pipefail
. "$(dirname "$0")/common.sh"

force=0 build=$XFO_ROOT/build/rel
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1; shift ;;
	--build) build=$2; shift 2 ;;
	*) die "unknown argument '$1' (usage: $0 [--force] [--build DIR])" ;;
	esac
done
rm -f "$LAB_OUT/kvm-check.ok"
if [ $force -eq 0 ]; then
	{ [ -r /dev/kvm ] && [ -w /dev/kvm ]; } || die "no usable /dev/kvm: the lab uses TCG"
	[ ! -d /sys/module/kvm_pvm ] ||
		die "/dev/kvm is kvm_pvm (no VMX/SVM underneath): Xen dies or hangs under it; the lab uses TCG"
	grep -qwE 'vmx|svm' /proc/cpuinfo || die "the CPU has no vmx/svm flag: the lab uses TCG"
fi
if "$XFO_ROOT/lab/run-payload.sh" --name kvm-check --build "$build" \
	--payload "$XFO_ROOT/lab/payloads/smoke" \
	--domu-payload "$XFO_ROOT/lab/payloads/smoke-domu" \
	--accel kvm --timeout 120; then
	date >"$LAB_OUT/kvm-check.ok"
	log "KVM boots the lab: lab/boot.sh --accel auto will use it"
else
	die "the smoke boot failed under KVM (log: build/lab/logs/kvm-check.log); the lab stays on TCG"
fi
