#!/usr/bin/env bash
# Installs every Debian package xfo's build and tests need.
# Idempotent: packages already present are skipped, so re-running is cheap.
set -euo pipefail

packages=(
	make gcc libc6-dev pkg-config      # userspace build
	clang llvm lld libclang-rt-14-dev  # BPF objects, libFuzzer, ASan/UBSan
	libbpf-dev libelf-dev zlib1g-dev   # policy object loader
	libxen-dev                         # dom0 tools (issue 3 onwards)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
