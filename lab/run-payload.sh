#!/usr/bin/env bash
# lab/run-payload.sh: fetch the packages (cached), build a dom0 initramfs
# with a payload, boot it and wait for its end line. The usual way to run
# a test in the lab.
#
# Usage: lab/run-payload.sh --name NAME --payload DIR [--domu-payload DIR]
#                           [--build DIR] [boot.sh options...]
# The image is build/lab/NAME.img, the serial log build/lab/logs/NAME.log.
set -euo pipefail
. "$(dirname "$0")/common.sh"

name="" mk=() boot=()
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift 2 ;;
	--payload|--domu-payload|--build) mk+=("$1" "$2"); shift 2 ;;
	*) boot+=("$1"); shift ;;
	esac
done
[ -n "$name" ] || die "no --name given"

"$XFO_ROOT/lab/fetch-debs.sh" --quiet
"$XFO_ROOT/lab/mkinitramfs-dom0.sh" -o "$LAB_OUT/$name.img" "${mk[@]}"
exec "$XFO_ROOT/lab/boot.sh" --initrd "$LAB_OUT/$name.img" --name "$name" "${boot[@]}"
