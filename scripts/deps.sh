#!/usr/bin/env bash
# Installs every Debian package xfo's build, tests and lab need, and the
# deb-src entry `make xen` fetches Xen's source through.
# Idempotent: what is present is skipped, so re-running is cheap.
set -euo pipefail

packages=(
	make gcc libc6-dev pkg-config        # userspace build
	clang llvm lld libclang-rt-14-dev    # BPF objects, libFuzzer, ASan/UBSan
	libbpf-dev libelf-dev zlib1g-dev     # policy object loader
	libxen-dev                           # dom0 tools: libxencall, libxenctrl
	libinih-dev libjansson-dev           # xfod: its config file, state.json
	libssl-dev libsystemd-dev            # xfod: SHA-256, sd_notify
	dpkg-dev bison flex python3 cpio     # Xen from Debian's source package
	qemu-system-x86 xz-utils zstd        # the lab
	valgrind                             # bench-core's instruction counts
	gnuplot-nox                          # bench-lab's plot
	shellcheck perl                      # make style (checkpatch.pl is perl)
)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
updated=0

apt_update() {
	[ $updated -eq 1 ] && return
	"${sudo_cmd[@]}" apt-get update -qq
	updated=1
}

# deb-src entries mirroring the machine's own deb entries, so `apt-get
# source` reaches the same archive apt already uses.
ensure_deb_src() {
	local src=/etc/apt/sources.list.d/xfo-deb-src.sources
	local have

	have=$(grep -rlsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
		/etc/apt/sources.list.d/ 2>/dev/null | grep -v '\.disabled' || true)
	[ -n "$have" ] && return
	[ -f /etc/apt/sources.list.d/debian.sources ] || {
		echo "deps: no /etc/apt/sources.list.d/debian.sources to derive a" \
		     "deb-src entry from; add one for bookworm main by hand" >&2
		return 1
	}
	echo "deps: adding deb-src entries to $src"
	sed -n 's/^Types: deb$/Types: deb-src/; /^Types:\|^URIs:\|^Suites:\|^Components:\|^Signed-By:\|^$/p' \
		/etc/apt/sources.list.d/debian.sources |
		"${sudo_cmd[@]}" tee "$src" >/dev/null
	updated=0
	apt_update
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt_update
	"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "deps: all ${#packages[@]} packages present"
fi

ensure_deb_src
