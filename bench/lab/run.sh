#!/usr/bin/env bash
# bench/lab/run.sh: the lab benchmark (`make bench-lab`; docs/PERFORMANCE.md,
# "Lab"). Boots native Linux BOOTS times, Debian's stock Xen BOOTS times
# and the patched Xen once for ROUNDS ABAB rounds of its configurations,
# then its perf-counter build once for one round of counts, all on the
# same QEMU machine, then bench/lab/report.py turns the console
# records into lab.json, lab.md and lab.png.
#
#   bench/lab/run.sh [--smoke] [--out DIR] [--rounds N] [--boots N]
#
# --smoke: one round and one boot each at small sizes, into
# build/bench/smoke, PERFORMANCE.md untouched (tests/suites/bench-lab.once.sh).
# Otherwise build/bench, and the Lab section of docs/PERFORMANCE.md and
# its plot docs/lab.png are rewritten. Needs the patched Xen (make xen), the guest side (make guest)
# and the lab's packages (fetched and cached by the lab scripts).
set -euo pipefail
cd "$(dirname "$0")/../.."

smoke=0 out="" rounds="" boots=""
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; shift ;;
	--out) out=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--boots) boots=$2; shift 2 ;;
	*) echo "bench-lab: unknown argument '$1' (see the top of $0)" >&2; exit 2 ;;
	esac
done
for v in rounds boots; do
	case ${!v} in ''|[1-9]|[1-9][0-9]) ;; *) echo "bench-lab: --$v takes 1..99, not '${!v}'" >&2; exit 2 ;; esac
done
B=build/rel
if [ $smoke -eq 1 ]; then
	out=${out:-build/bench/smoke}
	rounds=${rounds:-1} boots=${boots:-1}
	sizes="MB=8 LARGE=16 PAR=4 FORKS=10 FORKS_BIG=3 LINES=5000 DOMU_MEMORY=256"
else
	out=${out:-build/bench}
	rounds=${rounds:-10} boots=${boots:-3}
	sizes="MB=64 LARGE=256 PAR=32 FORKS=100 FORKS_BIG=20 LINES=100000 DOMU_MEMORY=512"
fi
# native and stock boots run this many rounds each: their spread comes
# from the boots as well as the rounds.
boot_rounds=$(( smoke ? 1 : 2 ))
mkdir -p "$out" build/lab/logs
say() { echo "bench-lab: $*"; }

# --- what the boots need ------------------------------------------------------------
say "building the patched Xen, the guest side and the workloads"
make --no-print-directory xen >"$out/make-xen.log" 2>&1 ||
	{ tail -n 20 "$out/make-xen.log"; say "make xen failed (log: $out/make-xen.log)"; exit 1; }
make --no-print-directory xen-perfc >"$out/make-xen-perfc.log" 2>&1 ||
	{ tail -n 20 "$out/make-xen-perfc.log"; say "make xen-perfc failed (log: $out/make-xen-perfc.log)"; exit 1; }
make --no-print-directory O=$B SAN=0 all bench-lab-build guest >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log"; say "the build failed (log: $out/build.log)"; exit 1; }
lab/fetch-debs.sh --quiet

P=$out/payloads
rm -rf "$P"
mkdir -p "$P/dom0/bench-bpf" "$P/domu" "$P/native"
for d in dom0 domu native; do
	cp bench/lab/bench-lib.sh bench/lab/workloads "$P/$d/"
	{ echo "ROUNDS=$rounds"; echo "SMOKE=$smoke"; for s in $sizes; do echo "$s"; done; } >"$P/$d/bench.conf"
done
sed -i "s/^ROUNDS=.*/ROUNDS=$boot_rounds/" "$P/native/bench.conf"
cp bench/lab/dom0.sh "$P/dom0/run.sh"
cp tests/e2e/lib.sh "$P/dom0/lib.sh"
cp $B/bench/lab/fault_around_*.bpf.o "$P/dom0/bench-bpf/"
cp tests/e2e/guest-domu.sh "$P/domu/run.sh"
cp build/guest/kmod/xfo_guest.ko "$P/domu/"
cp bench/lab/native.sh "$P/native/run.sh"
for d in domu native; do
	cp $B/bench/lab/xfo-bench "$P/$d/"
	cp /usr/bin/sort "$P/$d/sort"	# GNU coreutils, Debian's, unmodified
done

# --- the boots, one QEMU at a time -----------------------------------------------------
# The host's other work during the boots, for the record: CPU time the
# host spent that was not this run's (QEMU, the host load), from
# /proc/stat against this shell's waited-for children.
host_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
own_busy() { sed 's/.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }'; }
busy0=$(host_busy) own0=$(own_busy) wall0=$(date +%s)
# boot NAME ARGS...: one boot; its serial log becomes $out/logs/NAME.log.
mkdir -p "$out/logs"
boot() {
	local name=$1 t0
	shift
	t0=$(date +%s)
	if "$@" >"$out/logs/$name.out" 2>&1; then
		say "$name: done in $(( $(date +%s) - t0 )) s"
	else
		say "$name: FAILED after $(( $(date +%s) - t0 )) s (see $out/logs/$name.out)"
		tail -n 15 "$out/logs/$name.out"
	fi
	tr -d '\r' <"build/lab/logs/bench-$name.log" >"$out/logs/$name.log" 2>/dev/null || :
}
lab/mkinitramfs-domu.sh -o build/lab/bench-native.img --payload "$P/native" --build $B
logs=()
for i in $(seq 1 "$boots"); do
	boot "native-$i" lab/boot.sh --native --initrd build/lab/bench-native.img \
		--name "bench-native-$i" --timeout $(( smoke ? 300 : 1800 ))
	logs+=("native-$i")
done
# counting: one round on the perf-counter build, for counts and no times.
for kind in stock patched counting; do
	sed "s/^ROUNDS=.*/ROUNDS=$(case $kind in stock) echo $boot_rounds ;; patched) echo "$rounds" ;; *) echo 1 ;; esac)/" \
		"$P/dom0/bench.conf" >"$P/dom0/bench.conf.new"
	mv "$P/dom0/bench.conf.new" "$P/dom0/bench.conf"
	sed -i '/^KIND=/d' "$P/dom0/bench.conf"
	echo "KIND=$kind" >>"$P/dom0/bench.conf"
	n=$([ $kind = stock ] && echo "$boots" || echo 1)
	for i in $(seq 1 "$n"); do
		load_pid=""
		if [ $kind = patched ]; then
			: >"build/lab/logs/bench-$kind-$i.log"
			bench/lab/host-load.sh "build/lab/logs/bench-$kind-$i.log" "$out/logs/host-load.log" &
			load_pid=$!
		fi
		boot "$kind-$i" lab/run-payload.sh --name "bench-$kind-$i" --build $B \
			--payload "$P/dom0" --domu-payload "$P/domu" \
			--xen "$(case $kind in stock) echo debian ;; patched) echo patched ;; *) echo "$PWD/build/xen-perfc/xen" ;; esac)" \
			--timeout $(( smoke ? 900 : 7200 ))
		[ -z "$load_pid" ] || { kill "$load_pid"; wait "$load_pid" 2>/dev/null || :; }
		logs+=("$kind-$i")
	done
done

# --- the figures ---------------------------------------------------------------------------
other_cpu=$(awk -v b="$(( $(host_busy) - busy0 - ($(own_busy) - own0) ))" \
	-v w="$(( $(date +%s) - wall0 ))" -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.1f%% of %d CPUs over %d s", w ? 100 * b / hz / (w * n) : 0, n, w }')
say "the host's other work during the boots: $other_cpu"
args=() smoke_arg=()
[ $smoke -eq 0 ] || smoke_arg=(--smoke)
for l in "${logs[@]}"; do args+=(--log "$out/logs/$l.log"); done
python3 bench/lab/report.py "${args[@]}" --out "$out" --host-load "$out/logs/host-load.log" \
	--meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo +dirty)" \
	--meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--meta "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
	--meta "host_cpus=$(nproc)" \
	--meta "host_other_cpu=$other_cpu" \
	--meta "accel=TCG" \
	--meta "qemu=$(qemu-system-x86_64 --version | head -n 1)" \
	--meta "versions=$(tr '\n' ';' <build/lab/versions.txt)" \
	--meta "xen_patched=$(strings build/xen/xen 2>/dev/null | grep -oE '^4\.17\.[0-9][^ ]*' | head -n 1 || true)" \
	--meta "xen_counting=make xen-perfc, $(grep -E '^CONFIG_PERF_(COUNTERS|ARRAYS)=' build/xen-perfc/xen.config 2>/dev/null | tr '\n' ' ')" \
	--meta "rounds=$rounds" --meta "boots=$boots" --meta "sizes=$sizes" \
	"${smoke_arg[@]}"
if [ $smoke -eq 0 ]; then
	python3 bench/lab/splice.py docs/PERFORMANCE.md lab "$out/lab.md"
	cp "$out/lab.png" docs/lab.png	# the section's plot, beside it
	say "docs/PERFORMANCE.md: the Lab section rewritten, docs/lab.png drawn"
fi
say "wrote $out/lab.json, $out/lab.md, $out/lab.png"
