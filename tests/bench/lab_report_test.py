#!/usr/bin/env python3
"""tests/bench/lab_report_test.py: bench/lab/report.py and splice.py on
fabricated serial logs, whose numbers make every ratio known in advance.
Prints PASS/FAIL lines (tests/run-tests.sh). Usage: lab_report_test.py"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "bench/lab/report.py")
SPLICE = os.path.join(ROOT, "bench/lab/splice.py")
sys.path.insert(0, os.path.join(ROOT, "bench/lab"))
import splice  # noqa: E402

PAGES = 1000
# ns per page of the region / anonymous first-touch writes, per config.
REGION = {"stock": 120, "none": 100, "bounce_all": 110, "zero_fill": 30,
          "fault_around1": 20, "fault_around4": 12, "fault_around8": 10, "fault_around16": 9}
ANON = {"native": 40, "stock": 70, "none": 71, "zero_fill": 72}


def workloads():
    rows = []
    for line in open(os.path.join(ROOT, "bench/lab/workloads")):
        if line.strip() and not line.startswith("#"):
            wid, scope, unit, _ = line.split(None, 3)
            rows.append((wid, scope, unit))
    return rows


def scopes(config, counting=False):
    return {"native": ["anon"], "stock": ["xen", "region", "anon"], "none": ["xen", "region", "anon"],
            "zero_fill": ["xen", "region", "anon"] + ([] if counting else ["loaded"])
            }.get(config, ["xen", "region"])


def perf_counters(config, wid):
    """A counting boot's counters: the null command's 50 page faults and
    10 calls of hypercall 43 (xfo_op) under every record's."""
    if wid == "null":
        return {"exceptions": 60, "exceptions.14": 50, "hypercalls": 10, "hypercall.43": 10}
    bounced = config in ("none", "bounce_all")
    return {"exceptions": 60 + PAGES, "exceptions.14": 50 + PAGES, "hypercalls": 10 + 3 * PAGES * bounced,
            "hypercall.43": 10, "hypercall.iret": 2 * PAGES * bounced, "hypercall.mmu_update": PAGES * bounced}


def record(config, rnd, wid, unit, scope, ok=True, counting=False):
    ns_pp = REGION.get(config, 50) if scope in ("region", "loaded") else ANON.get(config, 50)
    res = {"ns": ns_pp * PAGES, "ok": ok, "pgfault": PAGES}
    if unit == "page":
        res["pages"] = PAGES
    elif unit == "iter":
        res["iters"] = PAGES
    if wid == "sort-shim":
        res["ns"] = 900
    if wid == "sort-plain":
        res["ns"] = 1000
    xen = None
    if config not in ("native", "stock") and wid == "null":
        xen = {"faults_seen": 100, "prog_runs": 100, "prog_insns": 500, "prog_ns": 0,
               "bounced": {"verdict": 100}}
    elif config not in ("native", "stock"):
        xen = {"faults_seen": PAGES, "resolved": PAGES if config != "none" else 0,
               "pages_installed": PAGES, "prog_runs": PAGES, "prog_insns": 10 * PAGES,
               "prog_ns": 2 * PAGES, "notifications": 3,
               "bounced": {"pool_empty": 4 if wid.endswith("-loaded") else 0, "verdict": 0}}
    if counting:
        res["ns"] = 10 ** 9     # a counting boot's time, never to be shown
    return "XFO-BENCH " + json.dumps({"config": config, "round": rnd, "id": wid, "unit": unit,
                                      "rc": 0 if ok else 1, "result": res, "xen": xen,
                                      "perfc": perf_counters(config, wid) if counting else None})


def logs(tmp, rounds=2, mutate=None, counting=True):
    """native-1, stock-1, patched-1 and (one round) counting-1 logs;
    mutate(config, round, id, line) -> line or None."""
    patched = ["none", "bounce_all", "zero_fill", "fault_around1", "fault_around4",
               "fault_around8", "fault_around16"]
    files = {"native-1": ["native"], "stock-1": ["stock"], "patched-1": patched}
    if counting:
        files["counting-1"] = patched
    paths = []
    for name, configs in files.items():
        lines = ["(XEN) noise before", "[    1.0] kernel noise"]
        cb = name.startswith("counting")
        for r in range(1, (1 if cb else rounds) + 1):
            for c in configs:
                for wid, scope, unit in workloads():
                    if scope not in scopes(c, cb):
                        continue
                    line = record(c, r, wid, unit, scope, counting=cb)
                    if mutate:
                        line = mutate(c, r, wid, line)
                    if line is not None:
                        lines.append(line)
        p = os.path.join(tmp, f"{name}.log")
        with open(p, "w") as f:
            f.write("\r\n".join(lines) + "\r\n")
        paths.append(p)
    return paths


def run(tmp, paths, host_load="start 1\nstop 2\nstart 3\nstop 4\n"):
    out = os.path.join(tmp, "out")
    with open(os.path.join(tmp, "host-load.log"), "w") as f:
        f.write(host_load)
    args = [sys.executable, REPORT, "--out", out, "--meta", "commit=test",
            "--host-load", os.path.join(tmp, "host-load.log")]
    for p in paths:
        args += ["--log", p]
    p = subprocess.run(args, capture_output=True, text=True)
    doc = None
    if os.path.exists(os.path.join(out, "lab.json")):
        doc = json.load(open(os.path.join(out, "lab.json")))
    return p.returncode, p.stderr, doc


def check(name, cond, why):
    print(f"PASS {name}" if cond else f"FAIL {name}: {why}")


def close(a, b):
    return a is not None and abs(a - b) < 1e-9


def main():
    with tempfile.TemporaryDirectory() as tmp:
        rc, err, doc = run(tmp, logs(tmp))
        check("lab-report.complete_run_exits_0", rc == 0, f"exit {rc}: {err[:300]}")
        r = (doc or {}).get("ratios", {})
        v = lambda k: (r.get(k) or {}).get("value")
        check("lab-report.zero_fill_vs_bounced_is_the_round_pair",
              close(v("zero_fill_vs_bounced"), 30 / 100), f"{r.get('zero_fill_vs_bounced')}")
        check("lab-report.fault_around8_vs_bounced", close(v("fault_around8_vs_bounced"), 10 / 100),
              f"{r.get('fault_around8_vs_bounced')}")
        check("lab-report.zero_fill_vs_native_region_over_anon",
              close(v("zero_fill_vs_native"), 30 / 40), f"{r.get('zero_fill_vs_native')}")
        check("lab-report.no_program_overhead_minus_one",
              close(v("no_program_overhead"), 71 / 70 - 1), f"{r.get('no_program_overhead')}")
        check("lab-report.pool_empty_share_from_xen", close(v("pool_empty_share"), 4 / (PAGES - 100)),
              f"{r.get('pool_empty_share')}")
        check("lab-report.program_share_prog_ns_over_time",
              close(v("program_share"), 2 * PAGES / (30 * PAGES)), f"{r.get('program_share')}")
        check("lab-report.shim_vs_plain", close(v("shim_program_vs_plain"), 0.9),
              f"{r.get('shim_program_vs_plain')}")
        check("lab-report.goal_verdicts",
              (r.get("zero_fill_vs_bounced") or {}).get("met") is True and
              (r.get("zero_fill_vs_native") or {}).get("met") is True and
              (r.get("no_program_overhead") or {}).get("met") is False,
              f"{[(k, x.get('met')) for k, x in r.items() if x]}")
        per = (doc or {}).get("results", {}).get("zero_fill", {}).get("touch-region-write", {})
        check("lab-report.counts_net_of_the_null_command",
              close(per.get("counts_per_unit", {}).get("prog_insns"), (10 * PAGES - 500) / PAGES) and
              per.get("ns_per_unit", {}).get("n") == 2, f"{per}")

        pc = (doc or {}).get("perf_counters", {})
        zf = pc.get("zero_fill", {}).get("touch-region-write", {})
        check("lab-report.perf_counters_per_unit_net_of_null",
              close(zf.get("exceptions.14"), 1.0) and close(zf.get("hypercalls"), 0.0) and
              close(pc.get("none", {}).get("touch-region-write", {}).get("hypercall.iret"), 2.0), f"{pc}")
        check("lab-report.hypercall_named_from_the_abi",
              "hypercall.xfo_op" in pc.get("none", {}).get("null", {}), f"{pc.get('none', {}).get('null')}")
        check("lab-report.perf_counters_table_in_markdown",
              "#PF into Xen" in open(os.path.join(tmp, "out", "lab.md")).read(), "no table")

        rc, err, doc = run(tmp, logs(tmp, mutate=lambda c, rnd, w, l: l.replace(', "perfc": {', ', "perfc_": {')
                                     if (c, w) == ("zero_fill", "memset") else l))
        check("lab-report.counting_record_without_perf_counters_fails",
              rc == 1 and "zero_fill memset: no perf counters" in err, f"exit {rc}: {err[:300]}")

        rc, err, doc = run(tmp, logs(tmp, counting=False))
        check("lab-report.no_counting_boot_fails", rc == 1 and "no counting boot" in err,
              f"exit {rc}: {err[:300]}")

        def wrong(c, rnd, wid, line):
            return record(c, rnd, wid, "page", "region", ok=False) \
                if (c, rnd, wid) == ("zero_fill", 2, "touch-region-write") else line
        rc, err, doc = run(tmp, logs(tmp, mutate=wrong))
        check("lab-report.wrong_answer_fails_the_run",
              rc == 1 and "zero_fill touch-region-write" in err, f"exit {rc}: {err[:300]}")

        rc, err, doc = run(tmp, logs(tmp, mutate=lambda c, rnd, w, l: None if c == "fault_around4" else l))
        check("lab-report.missing_config_named", rc == 1 and "fault_around4" in err,
              f"exit {rc}: {err[:300]}")

        rc, err, doc = run(tmp, logs(tmp, mutate=lambda c, rnd, w, l:
                                     l[:-20] if (c, w) == ("none", "memset") else l))
        check("lab-report.garbled_record_named", rc == 1 and "not JSON" in err, f"exit {rc}: {err[:300]}")

        paths = logs(tmp)
        with open(paths[2], "a") as f:
            f.write("XFO-BENCH-ERROR round 1: zero_fill: attach failed\n")
        rc, err, doc = run(tmp, paths)
        check("lab-report.payload_error_fails_the_run", rc == 1 and "attach failed" in err,
              f"exit {rc}: {err[:300]}")

        rc, err, doc = run(tmp, logs(tmp), host_load="start 1\nstop 2\n")
        check("lab-report.loaded_run_without_host_load_fails", rc == 1 and "loaded 1 times for 2" in err,
              f"exit {rc}: {err[:300]}")

    # splice: a section replaced, the rest kept; bad markers refused.
    doc = "# Title\n<!-- core:begin -->\nold core\n<!-- core:end -->\ntail\n"
    new = splice.splice(doc, "core", "new core\n")
    check("splice.replaces_only_its_section",
          new == "# Title\n<!-- core:begin -->\nnew core\n<!-- core:end -->\ntail\n", repr(new))
    new = splice.splice(new, "lab", "lab text")
    check("splice.appends_a_new_section", new.endswith("<!-- lab:begin -->\nlab text\n<!-- lab:end -->\n")
          and "new core" in new, repr(new))
    try:
        splice.splice("<!-- lab:end -->\n<!-- lab:begin -->\n", "lab", "x")
        check("splice.refuses_misordered_markers", False, "no error")
    except ValueError as e:
        check("splice.refuses_misordered_markers", "lab" in str(e), str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
