#!/usr/bin/env python3
"""bench/lab/report.py: the lab benchmark's figures from its serial logs.

    report.py --log FILE... --out DIR [--meta KEY=VALUE]... [--smoke]

Reads every "XFO-BENCH {json}" record the payloads printed
(bench/lab/dom0.sh, native.sh; the log's name says the boot: counting-*
is the perf-counter build's, whose records give counts and no times) and
writes
  DIR/lab.json  the figures: per configuration and workload the time per
                unit (median, min, max over rounds and boots) with the
                counts per unit next to it, the ratios against their goals,
                every record, and what was wrong;
  DIR/lab.md    the Lab section of docs/PERFORMANCE.md;
  DIR/lab.png   a plot, drawn by gnuplot from DIR/lab-plot.dat.
Exit 1 when a record is missing, failed its own checks, or a log holds
XFO-BENCH-ERROR lines: a wrong answer from the fast path is no figure.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

PATCHED = ["none", "bounce_all", "zero_fill", "fault_around1", "fault_around4",
           "fault_around8", "fault_around16"]
CONFIGS = ["native", "stock"] + PATCHED

# The ratios of issue 11, each with its goal: (text, compare, goal).
GOALS = {
    "zero_fill_vs_bounced": ("offloaded / bounced first-touch write, region", "<=", 0.35),
    "fault_around8_vs_bounced": ("fault_around n=8 / bounced, per page, region", "<=", 0.15),
    "zero_fill_vs_native": ("offloaded region write / native anonymous write", "<=", 0.8),
    "no_program_overhead": ("none / stock on anonymous writes, minus 1", "<=", 0.01),
    "pool_empty_share": ("faults bounced for an empty pool, dom0 busy", "<=", 0.005),
    "program_share": ("program time / offloaded first-touch time", "<=", 0.05),
    "shim_program_vs_plain": ("sort under the shim / without", "<", 1.0),
}

# Counters shown per unit, from Xen (xfoctl -j domain stats) and from the
# workload (the guest's /proc/vmstat and the module).
XEN_COUNTS = ["faults_seen", "resolved", "pages_installed", "prog_runs", "prog_insns",
              "prog_ns", "notifications"]
GUEST_COUNTS = ["pgfault", "guest_faults", "pages_offloaded"]


def load(paths):
    """Records and errors from the logs; a boot is named by its log."""
    records, errors = [], []
    for path in paths:
        boot = os.path.splitext(os.path.basename(path))[0]
        try:
            text = open(path, errors="replace").read()
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        seen = 0
        for n, line in enumerate(text.splitlines(), 1):
            m = re.search(r"XFO-BENCH (\{.*)$", line)
            if m:
                try:
                    rec = json.loads(m.group(1).strip())
                except ValueError as e:
                    errors.append(f"{path}:{n}: a record that is not JSON ({e})")
                    continue
                rec["boot"] = boot
                records.append(rec)
                seen += 1
            elif "XFO-BENCH-ERROR" in line:
                errors.append(f"{path}:{n}: {line.split('XFO-BENCH-ERROR', 1)[1].strip()}")
        if not seen:
            errors.append(f"{path}: no XFO-BENCH records (the boot failed?)")
    return records, errors


def counting(rec):
    """A record of the perf-counter boot: counts only, never a time."""
    return rec["boot"].startswith("counting")


def hypercall_numbers():
    """Hypercall numbers xenperf has no name for, named from the ABI
    (include/xfo.h defines xfo's)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "xfo.h")
    try:
        text = open(path).read()
    except OSError:
        return {}
    return {m.group(2): m.group(1) for m in re.finditer(r"#define __HYPERVISOR_(\w+)\s+(\d+)", text)}


def perf_counters(records):
    """Xen's perf counters per unit from the counting boot: (config, id)
    -> {counter: per unit, median over rounds}, net of the same round's
    null command, and the records that had none."""
    names = hypercall_numbers()
    nulls = {(r["boot"], r["round"], r["config"]): r for r in records
             if r["id"] == "null" and counting(r)}
    cells, bad = {}, []
    for rec in records:
        if not counting(rec):
            continue
        if not isinstance(rec.get("perfc"), dict):
            bad.append(f"{rec['boot']}: {rec['config']} {rec['id']}: no perf counters")
            continue
        u = units(rec) if rec.get("rc") == 0 and (rec.get("result") or {}).get("ok") else None
        if not u:
            continue    # derive() has said what was wrong with it
        null = nulls.get((rec["boot"], rec["round"], rec["config"]))
        base = (null.get("perfc") or {}) if null and rec["id"] != "null" else {}
        per = {}
        for k, v in rec["perfc"].items():
            hc = k.split(".", 1)[1] if k.startswith("hypercall.") else None
            key = f"hypercall.{names[hc]}" if hc in names else k
            per[key] = max(v - base.get(k, 0), 0) / u
        cells.setdefault(rec["config"], {}).setdefault(rec["id"], []).append(per)
    out = {}
    for config, ids in cells.items():
        for wid, xs in ids.items():
            keys = sorted({k for x in xs for k in x})
            out.setdefault(config, {})[wid] = {k: statistics.median([x.get(k, 0) for x in xs])
                                               for k in keys}
    return out, bad


def units(rec):
    res = rec.get("result") or {}
    return {"page": res.get("pages"), "iter": res.get("iters"), "run": 1}.get(rec["unit"])


def flatten_xen(xen):
    out = {k: xen.get(k, 0) for k in XEN_COUNTS}
    for reason, v in (xen.get("bounced") or {}).items():
        out[f"bounced.{reason}"] = v
    out["bounced"] = sum((xen.get("bounced") or {}).values())
    return out


def derive(rec, null):
    """Time and counts per unit of one record, or why there are none. Xen's
    counts are net of null's, the null command of the same round: the
    command channel's own processes fault as well (bench/lab/workloads)."""
    res = rec.get("result")
    if rec.get("rc") != 0 or not res or res.get("ok") is not True:
        return None, f"{rec['boot']} round {rec['round']}: {rec['config']} {rec['id']}: " \
                     f"exit {rec.get('rc')}, result {json.dumps(res)[:200]}"
    u = units(rec)
    if not u:
        return None, f"{rec['boot']}: {rec['config']} {rec['id']}: no unit count"
    counts = {k: res[k] / u for k in GUEST_COUNTS if k in res}
    if rec.get("xen"):
        base = flatten_xen(null["xen"]) if null and null.get("xen") and rec["id"] != "null" else {}
        counts.update({k: max(v - base.get(k, 0), 0) / u
                       for k, v in flatten_xen(rec["xen"]).items()})
    return {"ns": res["ns"] / u, "counts": counts, "raw": res, "xen": rec.get("xen")}, None


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def summarize(records):
    table, bad = {}, []
    nulls = {(r["boot"], r["round"], r["config"]): r for r in records if r["id"] == "null"}
    for rec in records:
        d, why = derive(rec, nulls.get((rec["boot"], rec["round"], rec["config"])))
        if why:
            bad.append(why)
            continue
        if counting(rec):
            continue
        cell = table.setdefault(rec["config"], {}).setdefault(rec["id"], {
            "unit": rec["unit"], "samples": []})
        d["round"], d["boot"] = rec["round"], rec["boot"]
        cell["samples"].append(d)
    out = {}
    for config, ids in table.items():
        for wid, cell in ids.items():
            s = cell["samples"]
            keys = sorted({k for x in s for k in x["counts"]})
            out.setdefault(config, {})[wid] = {
                "unit": cell["unit"],
                "ns_per_unit": spread([x["ns"] for x in s]),
                "counts_per_unit": {k: statistics.median([x["counts"].get(k, 0) for x in s])
                                    for k in keys},
            }
    return out, table, bad


def samples(table, config, wid):
    return table.get(config, {}).get(wid, {"samples": []})["samples"]


def per_round(table, a, b, wid_a, wid_b, fn):
    """fn(sample_a, sample_b) for the rounds both configurations ran."""
    xs = {(x["boot"], x["round"]): x for x in table.get(a, {}).get(wid_a, {"samples": []})["samples"]}
    ys = {(y["boot"], y["round"]): y for y in table.get(b, {}).get(wid_b, {"samples": []})["samples"]}
    return [fn(xs[k], ys[k]) for k in sorted(xs) if k in ys]


def across(summary, a, wid_a, b, wid_b, minus=0.0):
    """A ratio between boots: the medians' ratio, the range from the
    extremes (lowest over highest, highest over lowest)."""
    try:
        x = summary[a][wid_a]["ns_per_unit"]
        y = summary[b][wid_b]["ns_per_unit"]
    except KeyError:
        return None
    return {"value": x["median"] / y["median"] - minus, "min": x["min"] / y["max"] - minus,
            "max": x["max"] / y["min"] - minus, "n": min(x["n"], y["n"]),
            "from": f"{a} {wid_a} / {b} {wid_b} (separate boots)"}


def within(values, text):
    if not values:
        return None
    s = spread(values)
    return {"value": s["median"], "min": s["min"], "max": s["max"], "n": s["n"], "from": text}


def ratios(summary, table):
    ns = lambda x, y: x["ns"] / y["ns"]
    r = {
        "zero_fill_vs_bounced": within(
            per_round(table, "zero_fill", "none", "touch-region-write", "touch-region-write", ns),
            "zero_fill / none, touch-region-write, each round's pair"),
        "fault_around8_vs_bounced": within(
            per_round(table, "fault_around8", "none", "touch-region-write", "touch-region-write", ns),
            "fault_around8 / none, touch-region-write, each round's pair"),
        "zero_fill_vs_native": across(summary, "zero_fill", "touch-region-write",
                                      "native", "touch-anon-write"),
        "no_program_overhead": across(summary, "none", "touch-anon-write",
                                      "stock", "touch-anon-write", minus=1.0),
        "pool_empty_share": within(
            [x["counts"].get("bounced.pool_empty", 0) / x["counts"]["faults_seen"]
             for x in samples(table, "zero_fill", "touch-region-write-loaded")
             if x["counts"].get("faults_seen")],
            "bounced.pool_empty / faults_seen, zero_fill, touch-region-write-loaded, host loaded"),
        "program_share": within(
            [x["counts"]["prog_ns"] / x["ns"]
             for x in samples(table, "zero_fill", "touch-region-write") if "prog_ns" in x["counts"]],
            "prog_ns / first-touch time, zero_fill, touch-region-write"),
        "shim_program_vs_plain": within(
            per_round(table, "zero_fill", "zero_fill", "sort-shim", "sort-plain", ns),
            "sort-shim / sort-plain under zero_fill, each round's pair"),
    }
    for key, (text, op, goal) in GOALS.items():
        if r[key] is None:
            continue
        v = r[key]["value"]
        r[key].update({"goal": goal, "goal_op": op, "what": text,
                       "met": v <= goal if op == "<=" else v < goal})
    return r


# Xen's perf counters shown per unit: (key in the records, column).
PERFC_COLUMNS = [
    ("entries", "traps + hypercalls"),
    ("exceptions.14", "#PF into Xen"),
    ("hypercalls", "hypercalls"),
    ("hypercall.iret", "iret"),
    ("hypercall.mmu_update", "mmu_update"),
    ("hypercall.update_va_mapping", "update_va_mapping"),
    ("hypercall.mmuext_op", "mmuext_op"),
    ("hypercall.multicall", "multicall"),
    ("hypercall.xfo_op", "xfo_op"),
    ("writable_pt_emulations", "PT writes emulated"),
    ("page_updates", "page updates"),
]


def perfc_get(c, key):
    if key == "entries":
        return c.get("exceptions", 0) + c.get("hypercalls", 0)
    return c.get(key, 0)


def perfc_sentence(perfc, config, wid):
    c = perfc.get(config, {}).get(wid)
    if not c:
        return ""
    return (f" Xen's perf counters (counting boot), per unit: {perfc_get(c, 'exceptions.14'):.2f} "
            f"page faults and {perfc_get(c, 'hypercalls'):.2f} hypercalls entered Xen "
            f"(iret {perfc_get(c, 'hypercall.iret'):.2f}, mmu_update "
            f"{perfc_get(c, 'hypercall.mmu_update'):.2f}, update_va_mapping "
            f"{perfc_get(c, 'hypercall.update_va_mapping'):.2f}), "
            f"{perfc_get(c, 'writable_pt_emulations'):.2f} page-table writes emulated.")


def cell(summary, config, wid):
    c = summary.get(config, {}).get(wid)
    return (c["ns_per_unit"]["median"], c["counts_per_unit"]) if c else (None, {})


def where_time_goes(key, summary, perfc):
    """The counts behind a missed goal, as a sentence of facts."""
    def per_page(config, wid="touch-region-write"):
        t, k = cell(summary, config, wid)
        if t is None:
            return f"{config}: not measured"
        reasons = ", ".join(f"{r.split('.', 1)[1]} {v:.3f}" for r, v in sorted(k.items())
                            if r.startswith("bounced.") and v >= 0.0005) or "none"
        runs = k.get("prog_runs", 0)
        return (f"{config} {wid}: {fmt_ns(t)} per page; per page {k.get('faults_seen', 0):.3f} faults "
                f"reached Xen, {k.get('resolved', 0):.3f} resolved there, "
                f"{k.get('pages_installed', 0):.3f} pages installed, {k.get('pgfault', 0):.3f} handled "
                f"by the guest kernel; bounced per page: {reasons}; program "
                f"{k.get('prog_ns', 0) / runs if runs else 0:.0f} ns and "
                f"{k.get('prog_insns', 0) / runs if runs else 0:.1f} insns per run."
                + perfc_sentence(perfc, config, wid))
    if key in ("zero_fill_vs_bounced", "fault_around8_vs_bounced"):
        cfg = "zero_fill" if key == "zero_fill_vs_bounced" else "fault_around8"
        return f"{per_page(cfg)} Against {per_page('none')}"
    if key == "zero_fill_vs_native":
        t, _ = cell(summary, "native", "touch-anon-write")
        return (f"{per_page('zero_fill')} Native anonymous write: "
                f"{fmt_ns(t) if t else 'not measured'} per page, without Xen.")
    if key == "no_program_overhead":
        a, _ = cell(summary, "none", "touch-anon-write")
        b, _ = cell(summary, "stock", "touch-anon-write")
        return (f"none {fmt_ns(a) if a else '?'} against stock {fmt_ns(b) if b else '?'} per page, "
                "from separate boots: the range shows how much of it is the boot's.")
    if key == "pool_empty_share":
        return per_page("zero_fill", "touch-region-write-loaded")
    if key == "program_share":
        return per_page("zero_fill")
    if key == "shim_program_vs_plain":
        a, k = cell(summary, "zero_fill", "sort-shim")
        b, kp = cell(summary, "zero_fill", "sort-plain")
        return (f"sort under the shim {fmt_ns(a) if a else '?'}, without {fmt_ns(b) if b else '?'}; "
                f"under the shim Xen resolved {k.get('resolved', 0):.0f} of the "
                f"{k.get('faults_seen', 0):.0f} faults that reached it, the guest kernel handled "
                f"{k.get('pgfault', 0):.0f} (without: {kp.get('pgfault', 0):.0f}).")
    return ""


def fmt_ns(ns):
    return f"{ns / 1000:.2f} µs" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


def markdown(meta, summary, rat, bad, errors, smoke, perfc):
    m = []
    w = m.append
    w("# Lab performance\n")
    w("Written by `make bench-lab` (bench/lab/run.sh, bench/lab/report.py) from "
      "`build/bench/lab.json`; never edited by hand.\n")
    if smoke:
        w("**A smoke run (one round, small sizes): not figures to quote.**\n")
    w("| | |\n|---|---|")
    for k in ["date", "commit", "host_cpu", "host_cpus", "host_other_cpu", "accel", "qemu", "xen_patched",
              "xen_counting", "rounds", "boots", "sizes"]:
        if k in meta:
            w(f"| {k} | {meta[k]} |")
    if "versions" in meta:
        w(f"| packages | {meta['versions'].replace(';', ', ').strip(', ')} |")
    w("")
    if "host_other_cpu" in meta:
        w("`host_other_cpu`: the host's CPU time spent outside this run's own processes "
          "(QEMU, the host load) while the lab booted, as a share of all its CPUs: other "
          "work that competed with QEMU.\n")
    w("QEMU runs TCG here (`/dev/kvm` is software only, docs/lab.md), which makes "
      "every transition between guest, Xen and guest kernel far dearer than on "
      "hardware. **The times are TCG's; the ratios come from one run each; what "
      "carries over to hardware are the counts per fault** next to each time: "
      "faults that reached Xen, faults the guest kernel handled (bounces), pages "
      "Xen installed, program runs and instructions, and Xen's own perf counters "
      "(traps and hypercalls by type, page-table writes emulated).\n")
    w("## Ratios against the goals\n")
    w("| ratio | what | value | min | max | goal | met |")
    w("|---|---|---:|---:|---:|---:|---|")
    for key, (text, op, goal) in GOALS.items():
        x = rat.get(key)
        if x is None:
            w(f"| `{key}` | {text} | not measured | | | {op} {goal} | no |")
        else:
            w(f"| `{key}` | {text} | {x['value']:.3f} | {x['min']:.3f} | {x['max']:.3f} "
              f"| {op} {goal} | {'yes' if x['met'] else 'no, by ' + format(x['value'] - goal, '+.3f')} |")
    w("")
    w("How each is taken: " + "; ".join(f"`{k}`: {x['from']}" for k, x in rat.items() if x) + ".\n")
    missed = [k for k, x in rat.items() if x and not x["met"]]
    if missed:
        w("### The counts behind each missed goal\n")
        for k in missed:
            w(f"- `{k}` ({rat[k]['value']:.3f}, goal {rat[k]['goal_op']} {rat[k]['goal']}): "
              f"{where_time_goes(k, summary, perfc)}")
        w("")
    w("## Times and counts per unit\n")
    w("Median (min-max) over rounds and boots. Units: page for first touches, "
      "iteration for fork, run for the real program. Counts per unit: `faults` "
      "the faults that reached xfo's hook in Xen, `resolved` those Xen resolved "
      "itself, `installed` pages Xen installed, `bounced` those Xen passed on to "
      "the guest kernel, `guest` faults the guest kernel handled (its "
      "/proc/vmstat pgfault over the timed part), `insns` and `prog ns` per unit "
      "in programs. Xen's counts cover the whole command in the domU, so they are "
      "taken net of the `null` command's (a run of nothing through the same "
      "channel) in the same round.\n")
    w("| workload | config | time/unit | min | max | n | faults | resolved | installed | guest | bounced | insns | prog ns |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    wids = []
    for c in CONFIGS:
        for wid in summary.get(c, {}):
            if wid not in wids:
                wids.append(wid)
    for wid in wids:
        for c in CONFIGS:
            cell = summary.get(c, {}).get(wid)
            if not cell:
                continue
            t, k = cell["ns_per_unit"], cell["counts_per_unit"]
            g = lambda key, f="{:.2f}": f.format(k[key]) if key in k else ""
            w(f"| {wid} | {c} | {fmt_ns(t['median'])} | {fmt_ns(t['min'])} | {fmt_ns(t['max'])} "
              f"| {t['n']} | {g('faults_seen')} | {g('resolved')} | {g('pages_installed')} "
              f"| {g('pgfault')} | {g('bounced')} | {g('prog_insns', '{:.1f}')} | {g('prog_ns', '{:.0f}')} |")
    w("")
    w("![first touch per page](lab.png)\n")
    w("## Xen's perf counters per unit\n")
    w("From one round on the patched Xen built with `CONFIG_PERF_COUNTERS` and "
      "`CONFIG_PERF_ARRAYS` (`make xen-perfc`), read with `xenperf` around each "
      "command; a build used for counting only, as the counters cost time on the paths "
      "they count. The counters are the whole machine's (dom0's command channel "
      "included; dom0 polls for the answer every 2 s here), taken net of the same "
      "round's `null` command, and they cover the whole command: the mapping, the timed "
      "loop, the check and the unmapping (a PV guest's munmap clears each PTE through "
      "an emulated page-table write, one more #PF into Xen per page). Compare "
      "configurations with each other rather than read one row alone. `traps + hypercalls` "
      "counts every exception and hypercall that entered Xen (system calls and "
      "interrupts are not counted by Xen's perf counters); `#PF into Xen` the page "
      "faults among them.\n")
    if not perfc:
        w("Not measured in this run.\n")
    else:
        w("| workload | config | " + " | ".join(h for _, h in PERFC_COLUMNS) + " |")
        w("|---|---|" + "---:|" * len(PERFC_COLUMNS))
        wids = [wid for wid in order_of(summary, perfc) if wid != "null"]
        for wid in wids:
            for config in CONFIGS:
                c = perfc.get(config, {}).get(wid)
                if c is not None:
                    w(f"| {wid} | {config} | "
                      + " | ".join(f"{perfc_get(c, k):.2f}" for k, _ in PERFC_COLUMNS) + " |")
        w("")
    if bad or errors:
        w("## What went wrong in this run\n")
        for x in (errors + bad)[:40]:
            w(f"- {x}")
        w("")
    return "\n".join(m) + "\n"


def order_of(summary, perfc):
    """Workload ids in the order the tables show them."""
    seen = []
    for table in (summary, perfc):
        for ids in table.values():
            seen += [wid for wid in ids if wid not in seen]
    return seen


def plot(summary, out):
    """gnuplot: first-touch write per page on a region (anonymous memory
    for native), each configuration, with its range."""
    dat = os.path.join(out, "lab-plot.dat")
    rows = []
    for c in CONFIGS:
        wid = "touch-anon-write" if c == "native" else "touch-region-write"
        cell = summary.get(c, {}).get(wid)
        if cell:
            t = cell["ns_per_unit"]
            rows.append(f"{c} {t['median'] / 1000:.3f} {t['min'] / 1000:.3f} {t['max'] / 1000:.3f}")
    with open(dat, "w") as f:
        f.write("# config median_us min_us max_us (first-touch write per page)\n")
        f.write("\n".join(rows) + "\n")
    script = f"""set terminal pngcairo size 900,500 noenhanced
set output '{os.path.join(out, "lab.png")}'
set title 'First-touch write per page: native (anonymous), stock Xen and xfo (region), TCG'
set ylabel 'µs per page'
set style fill solid 0.5
set boxwidth 0.6
set yrange [0:*]
set xtics rotate by -30
set grid ytics
plot '{dat}' using 0:2:3:4:xtic(1) with boxerrorbars notitle
"""
    try:
        p = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    except OSError as e:
        return f"gnuplot: {e}"
    return None if p.returncode == 0 else f"gnuplot exited {p.returncode}: {p.stderr.strip()[:300]}"


def check_host_load(path, records):
    """Every loaded record had the host loaded: as many load phases."""
    loaded = sum(1 for r in records if r["id"].endswith("-loaded"))
    try:
        starts = sum(1 for l in open(path) if l.startswith("start "))
    except OSError as e:
        return [f"{path}: {e}: the loaded runs may have run on an idle host"]
    if starts < loaded:
        return [f"{path}: the host was loaded {starts} times for {loaded} loaded runs"]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", action="append", default=[], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", action="append", default=[])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--host-load", help="bench/lab/host-load.sh's log: the loaded runs had a loaded host")
    a = ap.parse_args()
    meta = {}
    for kv in a.meta:
        k, sep, v = kv.partition("=")
        if not sep:
            ap.error(f"--meta '{kv}' is not KEY=VALUE")
        meta[k] = v
    records, errors = load(a.log)
    summary, table, bad = summarize(records)
    missing = [c for c in CONFIGS if c not in summary]
    errors += [f"configuration {c} has no good record" for c in missing]
    if a.host_load is not None:
        errors += check_host_load(a.host_load, records)
    perfc, no_perfc = perf_counters(records)
    bad += no_perfc
    if not perfc:
        errors.append("no counting boot: Xen's perf counters were not read")
    rat = ratios(summary, table)
    errors += [f"ratio {k} could not be taken" for k, v in rat.items() if v is None]
    os.makedirs(a.out, exist_ok=True)
    why = plot(summary, a.out)
    if why:
        errors.append(why)
    doc = {"schema": 1, "meta": meta, "smoke": a.smoke, "configs": CONFIGS,
           "results": summary, "perf_counters": perfc, "ratios": rat, "errors": errors + bad,
           "records": records}
    with open(os.path.join(a.out, "lab.json.tmp"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
    os.replace(os.path.join(a.out, "lab.json.tmp"), os.path.join(a.out, "lab.json"))
    with open(os.path.join(a.out, "lab.md"), "w") as f:
        f.write(markdown(meta, summary, rat, bad, errors, a.smoke, perfc))
    for e in errors + bad:
        print(f"bench-lab: {e}", file=sys.stderr)
    print(f"bench-lab: {len(records)} records, {len(summary)} configurations, "
          f"{sum(1 for v in rat.values() if v)} of {len(GOALS)} ratios")
    return 1 if errors or bad else 0


if __name__ == "__main__":
    sys.exit(main())
