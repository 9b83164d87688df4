#!/usr/bin/env python3
"""splice.py DOC SECTION FILE: puts FILE's text into DOC between the lines
"<!-- SECTION:begin -->" and "<!-- SECTION:end -->", keeping the rest of
DOC, so that each benchmark rewrites its own section of
docs/PERFORMANCE.md (core: bench-core, lab: bench-lab). A section DOC
does not have yet is appended. Written to a temporary file and renamed."""
import os
import sys


def splice(doc_text, section, body):
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    block = f"{begin}\n{body.rstrip()}\n{end}\n"
    lines = doc_text.splitlines(keepends=True)
    starts = [i for i, l in enumerate(lines) if l.strip() == begin]
    ends = [i for i, l in enumerate(lines) if l.strip() == end]
    if not starts and not ends:
        sep = "" if not doc_text or doc_text.endswith("\n\n") else "\n"
        return doc_text + sep + block
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(f"the markers of section '{section}' are not one {begin} "
                         f"followed by one {end}")
    return "".join(lines[:starts[0]]) + block + "".join(lines[ends[0] + 1:])


def main(argv):
    if len(argv) != 4:
        print("usage: splice.py DOC SECTION FILE", file=sys.stderr)
        return 2
    doc, section, path = argv[1:]
    try:
        with open(path) as f:
            body = f.read()
        text = open(doc).read() if os.path.exists(doc) else ""
        new = splice(text, section, body)
    except (OSError, ValueError) as e:
        print(f"splice.py: {doc}: {e}", file=sys.stderr)
        return 1
    tmp = f"{doc}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(new)
    os.replace(tmp, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
