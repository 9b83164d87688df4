#!/usr/bin/env bash
# tier: lab
# bench-lab: the one-round smoke of the lab benchmark (`make bench-lab`,
# bench/lab/run.sh --smoke): one native boot, one stock Xen boot and one
# patched Xen boot going through every configuration once at small
# sizes. Checks that lab.json is produced and well formed, that every
# configuration ran every workload of its scopes with the workload's own
# checks holding, that the perf-counter boot counted, that every ratio key is there with its min and max,
# and that the plot and the PERFORMANCE.md section were written. No case
# asserts a time: the figures are the full run's, never a test's.
#
#   tests/suites/bench-lab.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
NAME=bench-lab
OUT=build/bench/smoke
BUDGET=900
start=$(date +%s)

pass() { echo "PASS $NAME.$1"; }
fail() { echo "FAIL $NAME.$1: $2"; }
elapsed() { echo $(( $(date +%s) - start )); }
. tests/e2e/host-lib.sh

case $B in *asan*) echo "$NAME: note: $B is a sanitizer build; the lab uses build/rel" ;; esac
wait_for_qemu "$NAME" "${BENCH_LAB_QEMU_WAIT:-600}"
rm -rf "$OUT"
mkdir -p build/lab/logs
bench/lab/run.sh --smoke --out "$OUT" >"build/lab/$NAME.out" 2>&1
rc=$?
grep -E '^bench-lab: ' "build/lab/$NAME.out" | sed 's/^/# /'
[ -f "$OUT/lab.json" ] || { tail -n 20 "build/lab/$NAME.out"; fail lab_json "run.sh --smoke exited $rc and wrote no $OUT/lab.json"; exit 1; }

# lab.json read by Python's parser; each check prints "ok" or why not,
# and verdict NAME turns that into the case's line.
py() { python3 - "$OUT/lab.json" "$@"; }
verdict() {
	if [ "$out" = ok ]; then pass "$1"; else fail "$1" "$out"; return 1; fi
}
out=$(py <<'PY'
import json, sys
try:
    json.load(open(sys.argv[1]))
    print("ok")
except ValueError as e:
    print(e)
PY
)
verdict lab_json_well_formed || exit 1

# Every configuration, and in it every workload of its scopes, from the
# one list (bench/lab/workloads; the scopes are bench/lab/dom0.sh's).
configs=$(py <<'PY'
import json, sys
print(" ".join(json.load(open(sys.argv[1]))["configs"]))
PY
)
for c in native stock none bounce_all zero_fill fault_around1 fault_around4 fault_around8 fault_around16; do
	case " $configs " in *" $c "*) ;; *) fail "config_listed.$c" "lab.json's configs are '$configs'"; continue ;; esac
	case $c in
	native) scopes="anon" ;;
	stock|none) scopes="xen region anon" ;;
	zero_fill) scopes="xen region anon loaded" ;;
	*) scopes="xen region" ;;
	esac
	want=$(grep -v '^#' bench/lab/workloads | awk -v s=" $scopes " 'NF && index(s, " " $2 " ") { print $1 }' | tr '\n' ' ')
	out=$(py "$c" "$want" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
have = doc["results"].get(sys.argv[2], {})
missing = [w for w in sys.argv[3].split() if w not in have]
print("ok" if not missing else "no good record for " + ", ".join(missing))
PY
)
	verdict "config_ran.$c"
done

out=$(py <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [e for e in doc["errors"]]
print("ok" if not bad else f"{len(bad)} errors: " + "; ".join(bad[:3]))
PY
)
verdict workloads_correct

out=$(py <<'PY'
import json, sys
keys = ["zero_fill_vs_bounced", "fault_around8_vs_bounced", "zero_fill_vs_native",
        "no_program_overhead", "pool_empty_share", "program_share", "shim_program_vs_plain"]
r = json.load(open(sys.argv[1]))["ratios"]
why = [k for k in keys if not isinstance(r.get(k), dict) or
       not all(isinstance(r[k].get(f), (int, float)) for f in ("value", "min", "max", "goal"))]
extra = sorted(set(r) - set(keys))
print("ok" if not why and not extra else f"missing or incomplete: {why}, unexpected: {extra}")
PY
)
verdict ratios_complete

out=$(py <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["meta"]
need = ["host_cpu", "accel", "versions", "xen_patched", "commit", "date"]
print("ok" if all(m.get(k) for k in need) else f"meta lacks {[k for k in need if not m.get(k)]}")
PY
)
verdict meta_recorded

# The counting boot (make xen-perfc): Xen's own perf counters beside
# xfo's, for every patched configuration.
for c in none bounce_all zero_fill fault_around1 fault_around4 fault_around8 fault_around16; do
	out=$(py "$c" <<'PY'
import json, sys
pc = json.load(open(sys.argv[1])).get("perf_counters", {}).get(sys.argv[2], {})
x = pc.get("touch-region-write", {})
print("ok" if x.get("exceptions.14", 0) > 0 else
      f"no page faults into Xen counted for touch-region-write: {json.dumps(x)[:300]}")
PY
)
	verdict "perf_counters.$c"
done
# What offloading saves in hypercalls is a figure, not a case: the
# counters are the whole machine's, and dom0's polls while a command runs
# add their own hypercalls, one round's worth of noise.
hc=$(py <<'PY'
import json, sys
pc = json.load(open(sys.argv[1])).get("perf_counters", {})
h = lambda c: pc.get(c, {}).get("touch-region-write", {}).get("hypercalls")
print(f"none {h('none')}, zero_fill {h('zero_fill')}")
PY
)
echo "$NAME: note: hypercalls per page, touch-region-write: $hc"

if [ "$(head -c 8 "$OUT/lab.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	pass plot_png
else
	fail plot_png "$OUT/lab.png is missing or not a PNG"
fi
if grep -q '^## Ratios against the goals' "$OUT/lab.md" 2>/dev/null &&
   grep -q 'zero_fill_vs_bounced' "$OUT/lab.md"; then
	pass markdown_section
else
	fail markdown_section "$OUT/lab.md has no ratio table"
fi

for l in "$OUT"/logs/native-*.log "$OUT"/logs/stock-*.log "$OUT"/logs/patched-*.log \
	 "$OUT"/logs/counting-*.log; do
	lab_no_crash_lines "$l" "$l" | sed "s/serial_log_clean/serial_log_clean.$(basename "$l" .log)/"
done
time_note $BUDGET
exit 0
