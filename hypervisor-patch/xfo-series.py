#!/usr/bin/env python3
"""The xfo series, described by hypervisor-patch/series (see its head).

xfo-series.py check
    validate the manifest, the markers and that every source and stock
    patch is named by exactly one step
xfo-series.py steps
    the step names, in order
xfo-series.py stock [STEP]
    the stock patches up to STEP (default: all), in order, one a line
xfo-series.py imports
    every file the series imports from xfo's tree, with where it goes in
    Xen's, one a line
xfo-series.py list
    every file the series adds from hypervisor-patch/, one a line
xfo-series.py files DEST [STEP]
    write the new files as of STEP (default: the last) into the Xen tree
    at DEST, markers removed; only files whose content differs are written
    (so make rebuilds only what changed), and each is named on stdout
xfo-series.py commit TREE
    commit every step, in order, onto the git tree TREE (at a pristine
    Xen): stock patches applied with patch -p1, new files written, core
    files imported; one author, Signed-off-by
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
MANIFEST = os.path.join(HERE, "series")
STOCK_DIR = os.path.join(HERE, "stock")
SRC_DIR = os.path.join(HERE, "xen")

CORE_SRC = os.path.join(TOP, "core")
CORE_DEST = "xen/common/xfo/core"
ABI_DEST = "xen/include/public"

AUTHOR = "xfo <xfo@localhost>"

MARKER = re.compile(
    r"^\s*(?:/\*\s*xfo-step:\s*(\S+)\s*\*/|\*\s*xfo-step:\s*(\S+)"
    r"|#\s*xfo-step:\s*(\S+))\s*$")


def die(msg):
    sys.stderr.write("xfo-series: error: %s\n" % msg)
    sys.exit(1)


def parse():
    steps = []
    with open(MANIFEST) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            where = "series:%d" % n
            if line.startswith("#") or not line.strip():
                continue
            if line == "|" or line.startswith("| "):
                if not steps:
                    die("%s: message line before any step" % where)
                steps[-1]["body"].append(line[2:])
                continue
            key, _, val = line.partition(" ")
            val = val.strip()
            if key == "step":
                if not re.match(r"^[a-z][a-z0-9-]*$", val):
                    die("%s: bad step name '%s'" % (where, val))
                if any(s["name"] == val for s in steps):
                    die("%s: step '%s' named twice" % (where, val))
                steps.append({"name": val, "subject": None, "body": [],
                              "stock": [], "new": [], "import": []})
                continue
            if not steps:
                die("%s: '%s' before any step" % (where, key))
            s = steps[-1]
            if key == "subject":
                s["subject"] = val
            elif key == "stock":
                s["stock"].append(val)
            elif key == "new":
                s["new"].append(val)
            elif key == "import":
                what, _, names = val.partition(" ")
                names = names.split()
                if what == "abi" and not names:
                    s["import"].append("include/xfo.h")
                elif what == "abi" and len(names) == 1 and \
                        names[0].startswith("io/"):
                    s["import"].append("include/" + names[0])
                elif what == "core" and names:
                    s["import"] += ["core/" + n for n in names]
                else:
                    die("%s: 'import abi', 'import abi io/FILE' or 'import "
                        "core FILE...', not 'import %s'" % (where, val))
            else:
                die("%s: unknown key '%s'" % (where, key))
    for s in steps:
        if not s["subject"]:
            die("step %s has no subject" % s["name"])
        if not s["body"]:
            die("step %s has no message" % s["name"])
    return steps


def src_path(rel):
    return os.path.join(HERE, rel)


def marker_name(line):
    m = MARKER.match(line)
    if not m:
        return None
    return m.group(1) or m.group(2) or m.group(3)


def render(rel, upto, index):
    """rel's text as of step number upto: marker lines gone, blocks of
    later steps cut.  Blocks nest: a line is kept when every block around
    it belongs to step upto or an earlier one."""
    out = []
    blocks = []
    with open(src_path(rel)) as f:
        for n, line in enumerate(f, 1):
            name = marker_name(line)
            if name is None:
                if all(index[b] <= upto for b in blocks):
                    out.append(line)
                continue
            if name == "end":
                if not blocks:
                    die("%s:%d: xfo-step: end outside a block" % (rel, n))
                blocks.pop()
            else:
                if name not in index:
                    die("%s:%d: no step '%s' in the series" % (rel, n, name))
                if blocks and index[name] < index[blocks[-1]]:
                    die("%s:%d: block of step %s inside one of the later "
                        "step %s" % (rel, n, name, blocks[-1]))
                blocks.append(name)
    if blocks:
        die("%s: block %s not ended" % (rel, blocks[-1]))
    return "".join(out)


def index_of(steps):
    return {s["name"]: i for i, s in enumerate(steps)}


def added_at(steps):
    where = {}
    for i, s in enumerate(steps):
        for rel in s["new"]:
            if rel in where:
                die("%s added by two steps" % rel)
            where[rel] = i
    return where


def check(steps):
    index = index_of(steps)
    added = added_at(steps)
    for rel, i in added.items():
        if not os.path.isfile(src_path(rel)):
            die("step %s adds %s, which is not in %s"
                % (steps[i]["name"], rel, HERE))
        with open(src_path(rel)) as f:
            for n, line in enumerate(f, 1):
                name = marker_name(line)
                if name and name != "end" and name in index and \
                        index[name] <= i:
                    die("%s:%d: block of step %s, but the file is added "
                        "by step %s" % (rel, n, name, steps[i]["name"]))
        render(rel, len(steps), index)
    for root, _, names in os.walk(SRC_DIR):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), HERE)
            if rel not in added:
                die("%s is named by no step of the series" % rel)
    named = [p for s in steps for p in s["stock"]]
    for p in named:
        if not os.path.isfile(os.path.join(STOCK_DIR, p + ".patch")):
            die("the series names stock patch %s, which is not in %s"
                % (p, STOCK_DIR))
        if named.count(p) > 1:
            die("stock patch %s named twice" % p)
    for name in os.listdir(STOCK_DIR):
        if name.endswith(".patch") and name[:-6] not in named:
            die("stock/%s is named by no step" % name)
    imported = [w for s in steps for w in s["import"]]
    for w in imported:
        if imported.count(w) > 1:
            die("%s imported twice" % w)
        if not os.path.isfile(os.path.join(TOP, w)):
            die("the series imports %s, which is not in %s" % (w, TOP))
    for name in sorted(os.listdir(CORE_SRC)):
        if name.endswith((".c", ".h")) and "core/" + name not in imported:
            die("core/%s is imported by no step" % name)


def upto_index(steps, name):
    if name is None:
        return len(steps) - 1
    index = index_of(steps)
    if name not in index:
        die("no step '%s'" % name)
    return index[name]


def write_files(steps, dest, upto, quiet=False):
    index = index_of(steps)
    added = added_at(steps)
    for rel in sorted(added):
        if added[rel] > upto:
            continue
        text = render(rel, upto, index)
        path = os.path.join(dest, rel)
        try:
            with open(path) as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        if not quiet:
            print(rel)


def import_dest(what):
    """Where an imported file of xfo's goes in the Xen tree: core/F to
    common/xfo/core/F, include/F (the ABI) to include/public/F."""
    if what.startswith("core/"):
        return os.path.join(CORE_DEST, what[len("core/"):])
    return os.path.join(ABI_DEST, what[len("include/"):])


def copy_file(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(src, "rb") as f, open(dst, "wb") as g:
        g.write(f.read())


def run(cmd, cwd, stdin=None):
    r = subprocess.run(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return r.returncode, r.stdout


def series_epoch():
    """The date the commits carry, so that the same sources give the same
    patches: SOURCE_DATE_EPOCH, else the last commit of the xfo tree that
    changed what the series is made of."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    rc, out = run(["git", "log", "-1", "--format=%ct", "--",
                   "hypervisor-patch", "core", "include/xfo.h"], TOP)
    return int(out.strip()) if rc == 0 and out.strip().isdigit() else 0


def commit(steps, tree):
    name, email = AUTHOR[:AUTHOR.index(" <")], AUTHOR[AUTHOR.index("<") + 1:-1]
    epoch = series_epoch()
    env_git = ["git", "-c", "user.name=" + name, "-c", "user.email=" + email,
               "-c", "commit.gpgsign=false"]
    for i, s in enumerate(steps):
        for p in s["stock"]:
            with open(os.path.join(STOCK_DIR, p + ".patch")) as f:
                rc, out = run(["patch", "-p1", "--batch", "--forward",
                               "--no-backup-if-mismatch"], tree, stdin=f)
            if rc or re.search(r"offset|fuzz", out, re.I):
                sys.stderr.write(out)
                die("step %s: stock/%s.patch does not apply cleanly"
                    % (s["name"], p))
        write_files(steps, tree, i, quiet=True)
        for what in s["import"]:
            copy_file(os.path.join(TOP, what),
                      os.path.join(tree, import_dest(what)))
        rc, out = run(["git", "add", "-A", "."], tree)
        if rc:
            die("git add in %s: %s" % (tree, out))
        rc, _ = run(["git", "diff", "--cached", "--quiet"], tree)
        if rc == 0:
            die("step %s changes nothing" % s["name"])
        msg = s["subject"] + "\n\n" + "\n".join(s["body"]) + "\n"
        date = "@%d +0000" % (epoch + i)
        os.environ["GIT_AUTHOR_DATE"] = date
        os.environ["GIT_COMMITTER_DATE"] = date
        rc, out = run(env_git + ["commit", "-q", "-s", "--no-verify",
                                 "--author", AUTHOR, "-m", msg], tree)
        if rc:
            die("git commit of step %s: %s" % (s["name"], out))


def main(argv):
    if len(argv) < 2:
        die("usage: %s check|steps|stock|files|commit ..." % argv[0])
    steps = parse()
    cmd = argv[1]
    if cmd == "check":
        check(steps)
    elif cmd == "steps":
        for s in steps:
            print(s["name"])
    elif cmd == "stock":
        upto = upto_index(steps, argv[2] if len(argv) > 2 else None)
        for s in steps[:upto + 1]:
            for p in s["stock"]:
                print(p + ".patch")
    elif cmd == "imports":
        for s in steps:
            for what in s["import"]:
                print(what, import_dest(what))
    elif cmd == "list":
        for rel in sorted(added_at(steps)):
            print(rel)
    elif cmd == "files":
        if len(argv) < 3:
            die("files DEST [STEP]")
        check(steps)
        write_files(steps, argv[2],
                    upto_index(steps, argv[3] if len(argv) > 3 else None))
    elif cmd == "commit":
        if len(argv) < 3:
            die("commit TREE")
        check(steps)
        commit(steps, argv[2])
    else:
        die("unknown command %s" % cmd)


if __name__ == "__main__":
    main(sys.argv)
