# lab/common.sh: sourced by the lab scripts. Paths, logging, failure.
# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# Every path is under the repository's build/lab, so `make clean` removes
# the lab with the rest of the build.

XFO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_OUT=${LAB_OUT:-$XFO_ROOT/build/lab}
LAB_DEBS=$LAB_OUT/debs          # downloaded .deb files (the cache)
LAB_SYSROOT=$LAB_OUT/sysroot    # every fetched package, dpkg -x'ed
LAB_VERSIONS=$LAB_OUT/versions.txt  # "package version" of what was used
LAB_LOGS=$LAB_OUT/logs

lab_name=$(basename "$0" .sh)

log() { printf '[%s] %s\n' "$lab_name" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$lab_name" "$*" >&2; exit 1; }
# A message nobody should miss in a long build log.
loud() {
	printf '[%s] ################################################################\n' "$lab_name" >&2
	local line
	for line in "$@"; do
		printf '[%s] ## %s\n' "$lab_name" "$line" >&2
	done
	printf '[%s] ################################################################\n' "$lab_name" >&2
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' is not installed (scripts/deps.sh installs what the lab needs)"
	done
}

# The kernel release of the fetched linux-image (e.g. 6.1.0-56-amd64).
lab_kver() {
	[ -f "$LAB_VERSIONS" ] || die "$LAB_VERSIONS missing: run lab/fetch-debs.sh first"
	awk '$1 == "kernel-release" { print $2 }' "$LAB_VERSIONS"
}
