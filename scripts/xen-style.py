#!/usr/bin/env python3
"""Check C sources against Xen's CODING_STYLE.

Usage: scripts/xen-style.py [--list-rules] FILE...

A FILE ending in .patch is a unified diff: only the lines it adds to .c
and .h files are checked, each reported at its line in the patch and in
the file it patches. Any other FILE is checked whole; one that says
"xen-style: inside a function" in a comment line is a piece of a
function's body (included there), whose statements start one level in.

Every finding is one line, "FILE:LINE: RULE: what is wrong", and the exit
status is 1 when there is any (2 for a usage error or an unreadable file).

The rules are the parts of CODING_STYLE a program can decide without
guessing (RULES below). Spacing around binary operators, the capital
letter of a comment and the braces of a single statement are left to the
reviewer: deciding them needs a C parser, and a guess would be noise.
clang-format with a Xen-like configuration was the other way: on core/
it rewrites hundreds of lines CODING_STYLE says nothing about (aligned
trailing comments, one-line cases, argument packing), so its diff is
noise rather than findings.
"""

import re
import sys

MAX_COLUMNS = 79            # "Lines should be less than 80 characters"
INDENT = 4

RULES = {
    "tab": "indent with spaces: a tab character",
    "trailing-space": "white space at the end of the line",
    "line-length": "longer than %d columns" % MAX_COLUMNS,
    "keyword-space": "spaces between the keyword, the brackets and the "
                     "condition: 'if ( x )'",
    "brace-line": "the opening brace of a block goes on a line of its own",
    "close-brace-line": "the closing brace of a block goes on a line of "
                        "its own (except '} while ( x );' of a do loop)",
    "indent": "four spaces per level of braces",
    "cpp-comment": "a C++ '//' comment: only /* ... */",
    "comment-block": "a multi-line comment starts and ends with its "
                     "markers on lines of their own",
    "comment-star": "each line inside a multi-line comment begins with '*'",
    "string-split": "a user visible string split across lines",
}

CONTROL = ("if", "while", "for", "switch")
CASE = re.compile(r"^(case\b|default\s*:)")
ELSE = re.compile(r"^else\b")
IF = re.compile(r"^(\}\s*)?(else\s+)?if\b")
# A label: out:, and the labels macros make, PROGRESS(done):.
LABEL = re.compile(r"^[A-Za-z_]\w*(\([^()]*\))?\s*:(?!:)")
# A statement whose body follows it: a control statement or a macro loop
# (Xen's for_each_vcpu ( d, v ) and the like).
HEADER = re.compile(r"^(\}\s*)?(else\s+)?(if|while|for|switch)\b|"
                    r"^\w*for_each\w*\s*\(")
AGGREGATE = re.compile(r"\b(struct|union|enum)\b[^;()]*$")


class Finding:
    def __init__(self, line, rule, detail=""):
        self.line = line            # 1-based, in the checked text
        self.rule = rule
        self.detail = detail

    def text(self):
        return self.detail or RULES[self.rule]


class Lexed:
    """The text split into lines, each with its code (comments blanked,
    literal contents replaced by 'x', same columns), the comments and
    string literals found, and which lines are preprocessor lines."""

    def __init__(self, text, in_comment=False):
        self.raw = text.split("\n")
        if self.raw and self.raw[-1] == "":
            self.raw.pop()
        self.code = []
        self.comments = []          # [kind, line0, col0, line1, col1]
        self.strings = []           # (line, col0, col1), col1 exclusive
        self.pp = []
        state = "comment" if in_comment else "code"
        if in_comment:
            self.comments.append(["block", 0, 0, None, None])
        pp_cont = False
        for n, line in enumerate(self.raw):
            out = []
            i = 0
            first = line.lstrip()
            self.pp.append(pp_cont or (state == "code" and
                                       first.startswith("#")))
            quote = None
            while i < len(line):
                c = line[i]
                nxt = line[i + 1] if i + 1 < len(line) else ""
                if state == "comment":
                    if c == "*" and nxt == "/":
                        self.comments[-1][3:] = [n, i + 1]
                        state = "code"
                        out.append("  ")
                        i += 2
                        continue
                    out.append(" ")
                elif state == "string":
                    if c == "\\" and nxt:
                        out.append("xx")
                        i += 2
                        continue
                    if c == quote:
                        out.append(c)
                        state = "code"
                        if quote == '"':
                            self.strings.append((n, start, i + 1))
                    else:
                        out.append("x")
                elif c == "/" and nxt == "*":
                    self.comments.append(["block", n, i, None, None])
                    state = "comment"
                    out.append("  ")
                    i += 2
                    continue
                elif c == "/" and nxt == "/":
                    self.comments.append(["line", n, i, n, len(line) - 1])
                    out.append(" " * (len(line) - i))
                    break
                elif c in "\"'":
                    quote, start = c, i
                    state = "string"
                    out.append(c)
                else:
                    out.append(c)
                i += 1
            if state == "string":       # unterminated: never past a line
                state = "code"
            self.code.append("".join(out))
            pp_cont = self.pp[-1] and line.endswith("\\")
        if self.comments and self.comments[-1][3] is None:
            self.comments[-1][3:] = [len(self.raw) - 1, len(self.raw[-1])]


def starts_in_comment(lines):
    """A fragment of a file (a hunk) may begin inside a comment: it does
    when a '*/' comes before any '/*', or when it has neither and every
    line is a ' * ...' line."""
    text = "\n".join(lines)
    close, open_ = text.find("*/"), text.find("/*")
    if close < 0 and open_ < 0:
        return all(line.lstrip().startswith("*")
                   for line in lines if line.strip())
    return close >= 0 and (open_ < 0 or close < open_)


def match_paren(code, line, col):
    """The (line, col) of the ')' closing the '(' at (line, col)."""
    depth = 0
    while line < len(code):
        s = code[line]
        while col < len(s):
            if s[col] == "(":
                depth += 1
            elif s[col] == ")":
                depth -= 1
                if depth == 0:
                    return line, col
            col += 1
        line += 1
        col = 0
    return None


def prev_token(code, line, col):
    """The code before (line, col), skipping white space: (text of that
    line up to there, its line), or ("", -1)."""
    s = code[line][:col].rstrip()
    while not s:
        line -= 1
        if line < 0:
            return "", -1
        s = code[line].rstrip()
    return s, line


class Checker:
    def __init__(self, lexed, whole, in_comment=False, trusted=None,
                 outer=0):
        self.lx = lexed
        self.whole = whole          # False: a hunk, its depth not known
        self.in_comment = in_comment
        # Lines of a hunk that are context, already in the file: the
        # first statement among them tells the depth the hunk is at.
        self.trusted = trusted
        # Outside every brace: where statements start. A hunk's is not
        # known until a line that was in the file already tells it.
        self.outer = outer if whole else None
        self.case_block_closed = None
        self.found = []

    def add(self, line, rule, detail=""):
        self.found.append(Finding(line + 1, rule, detail))

    def run(self):
        self.lines()
        self.comments()
        self.keywords()
        self.braces_and_indent()
        self.found.sort(key=lambda f: (f.line, f.rule))
        return self.found

    # --- one line at a time -----------------------------------------------
    def lines(self):
        lx = self.lx
        for n, raw in enumerate(lx.raw):
            if "\t" in raw:
                self.add(n, "tab", "column %d" % (raw.index("\t") + 1))
            if raw != raw.rstrip():
                self.add(n, "trailing-space")
            strings = sum(c1 - c0 for (l, c0, c1) in lx.strings if l == n)
            if len(raw) > MAX_COLUMNS and len(raw) - strings <= MAX_COLUMNS:
                pass                # long for a string, which is not split
            elif len(raw) > MAX_COLUMNS:
                self.add(n, "line-length", "%d columns" % len(raw))
        # "Hello, "
        #     "world": one string on two lines.
        for (n, c0, c1) in lx.strings:
            if lx.pp[n] or lx.code[n][c1:].strip():
                continue            # not the last thing on its line
            if lx.raw[n][c1 - 3:c1 - 1] == "\\n":
                continue            # a line of output of its own
            if n + 1 < len(lx.code) and \
               lx.code[n + 1].lstrip().startswith('"'):
                self.add(n + 1, "string-split",
                         "keep it on one line, however long")

    # --- comments -----------------------------------------------------------
    def comments(self):
        lx = self.lx
        for i, (kind, l0, c0, l1, c1) in enumerate(lx.comments):
            if kind == "line":
                self.add(l0, "cpp-comment")
                continue
            if l0 == l1:
                continue
            opened_here = not (i == 0 and self.in_comment)
            # Nothing after the /* but more stars, or a macro's backslash.
            if opened_here and lx.raw[l0][c0 + 2:].strip().strip("*\\"):
                self.add(l0, "comment-block", "text after the opening /*")
            text_before_close = lx.raw[l1][:c1 - 1].strip()
            if text_before_close and text_before_close != "*":
                self.add(l1, "comment-block", "text before the closing */")
            for n in range(l0 + 1, l1):
                if not lx.raw[n].lstrip().startswith("*"):
                    self.add(n, "comment-star")

    # --- if ( x ) -----------------------------------------------------------
    def keywords(self):
        code = self.lx.code
        kw = re.compile(r"\b(if|while|for|switch)\b(\s*)(\(?)")
        for n, s in enumerate(code):
            for m in kw.finditer(s):
                word, gap, paren = m.groups()
                if not paren or s[:m.start()].strip() == "#":
                    continue        # a word, a directive, or '(' further on
                if gap != " ":
                    self.add(n, "keyword-space",
                             "one space between '%s' and '('" % word)
                open_col = m.end(3) - 1
                if s[open_col + 1:open_col + 2] not in (" ", ""):
                    self.add(n, "keyword-space",
                             "a space after '%s ('" % word)
                end = match_paren(code, n, open_col)
                if end is None:
                    continue
                el, ec = end
                before = code[el][:ec]
                if before.strip() and not before.endswith(" "):
                    self.add(el, "keyword-space",
                             "a space before the ')' closing '%s ('" % word)

    # --- braces and indentation -------------------------------------------
    def braces_and_indent(self):
        """A statement is four spaces in from the brace that holds it, or
        from its header when that has no brace (if ( x ) and one
        statement); a brace lines up with its statement, an else with its
        if; Xen's case labels, and their braces, line up with the switch's
        braces. A brace that is off is reported once: what it holds is
        measured from where it is."""
        lx = self.lx
        stack = []          # the open braces: [what, indent, chain]
        chain = []          # headers without braces: [indent, is an if]
        done = False        # the last statement ended chain's bodies
        after_header = False    # the last line completed a header
        paren = 0           # round brackets open at the start of a line
        prev, prev_indent = "", 0   # the last code line and its indent
        stmt_indent, stmt_first = 0, ""   # where the statement began
        stmt_want = 0       # and where it should have
        # At each #if: the state to start its #else from again.
        pp_saved = []
        for n, s in enumerate(lx.code):
            st = s.strip()
            if lx.pp[n]:
                d = re.match(r"#\s*(if|ifdef|ifndef|elif|else|endif)\b", st)
                state = (list(chain), done, after_header, paren, prev,
                         prev_indent)
                if d and d.group(1).startswith("if"):
                    pp_saved.append(state)
                elif d and d.group(1) in ("elif", "else") and pp_saved:
                    (chain, done, after_header, paren, prev,
                     prev_indent) = pp_saved[-1]
                    chain = list(chain)
                elif d and pp_saved:
                    pp_saved.pop()
                continue
            if not st:
                continue
            raw = lx.raw[n]
            indent = len(raw) - len(raw.lstrip(" "))
            starts = paren == 0 and (
                st[0] in "{}" or prev == "" or after_header or
                prev.endswith((";", "{", "}")) or
                (prev.endswith(":") and (CASE.match(prev) or
                                         LABEL.match(prev))))
            if starts:
                if done and not ELSE.match(st):
                    chain = []
                if ELSE.match(st) and any(c[1] for c in chain):
                    # Back to the innermost if still waiting for it.
                    i = max(i for i, c in enumerate(chain) if c[1])
                    want = chain[i][0]
                    chain = chain[:i]
                    done = False
                elif chain and not done:
                    want = chain[-1][0] + (0 if st[0] == "{" else INDENT)
                else:
                    chain, done = [], False
                    want = self.want(st, stack, prev, prev_indent)
                in_switch = stack[-1][0] == "switch" if stack \
                    else not self.whole
                # A label, or a case label inside a block of a case (a
                # jump into it), may be at any column.
                label = LABEL.match(st) and not CASE.match(st) or \
                    CASE.match(st) and not in_switch
                tabbed = "\t" in raw[:len(raw) - len(raw.lstrip())]
                if label or tabbed:     # any column; the tab is reported
                    pass
                elif want is not None and indent != want and \
                        indent != self.case_block_closed:
                    self.add(n, "indent", "%d spaces, expected %d"
                             % (indent, want))
                elif want is None and indent % INDENT:
                    self.add(n, "indent", "%d spaces, not a multiple of %d"
                             % (indent, INDENT))
                elif want is None and prev != "" and \
                        (self.trusted is None or n in self.trusted):
                    self.anchor(st, indent)
                # A block is measured from where its statement is, a
                # header's one statement from where the header should be:
                # one line off is one finding.
                stmt_indent, stmt_first = indent, st
                stmt_want = want if want is not None and not label \
                    else indent
            # case X: { ... } and then break; at the label's level or in.
            self.case_block_closed = None
            chain = self.braces(n, s, st, stack, chain,
                                indent if starts and st[0] == "{"
                                else stmt_indent)
            paren = max(0, paren + s.count("(") - s.count(")"))
            after_header = False
            if paren:
                continue
            # A header without its brace: its body is one level in.
            if re.match(r"^(\}\s*)?(else|do)$", st):
                chain.append([stmt_want, False])
                done, after_header = False, True
            elif st.endswith(")") and HEADER.match(stmt_first):
                chain.append([stmt_want, IF.match(stmt_first) is not None])
                done, after_header = False, True
            elif st.endswith((";", "}")) and chain:
                done = True
            prev, prev_indent = st, indent

    def want(self, st, stack, prev, prev_indent):
        """The indent of a line that starts a statement in a block, or
        None (the first lines of a hunk)."""
        if st.startswith("}"):
            if stack:
                return stack[-1][1]
            return None if self.outer is None else self.outer - INDENT
        if st.startswith("{") and CASE.match(prev):
            return prev_indent          # case X: and { at the label's level
        inside = stack[-1][1] + INDENT if stack else self.outer
        in_switch = stack[-1][0] == "switch" if stack else not self.whole
        if inside is not None and CASE.match(st) and in_switch:
            inside -= INDENT            # at the level of the switch's braces
        return inside

    def anchor(self, st, indent):
        """A line of a hunk that was in the file already tells where the
        hunk's statements start."""
        if st.startswith("{"):
            return
        if CASE.match(st) or st.startswith("}"):
            self.outer = indent + INDENT    # (the brace then takes it back)
        else:
            self.outer = indent

    def braces(self, n, s, st, stack, chain, owner):
        """The braces on line n; a brace opened here belongs to the
        statement at indent owner, and keeps the headers it is the body
        of. Returns the headers in force after the line."""
        col = 0
        short = "'%s'" % (st if len(st) <= 40 else st[:37] + "...")
        while True:
            m = re.search(r"[{}]", s[col:])
            if not m:
                return chain
            col += m.start()
            if re.match(r"\{\s*\}", s[col:]):
                col = s.index("}", col) + 1
                continue            # {}: an empty body, a stub
            if s[col] == "{":
                kind = self.open_kind(n, col, stack)
                stack.append([kind, owner, chain])
                chain = []
                if kind in ("block", "switch", "case-block") and st != "{":
                    self.add(n, "brace-line", short)
            else:
                if stack:
                    kind, at, chain = stack.pop()
                    if kind == "case-block":
                        self.case_block_closed = at
                else:
                    kind, chain = "unknown", []   # opened before a hunk
                    if self.outer is not None:
                        self.outer -= INDENT
                before = s[:col].strip()
                after = s[col + 1:].strip()
                if kind in ("block", "switch", "case-block"):
                    bad = before or after
                elif kind == "do":
                    bad = before or (after and
                                     not re.match(r"while\b", after))
                else:
                    bad = re.match(r"else\b", after)
                if bad:
                    self.add(n, "close-brace-line", short)
            col += 1

    def open_kind(self, n, col, stack):
        """What a '{' opens: a block (after a control header, a function
        header or nothing), a switch, a case (case X: {), a do loop, or an
        aggregate or initializer, whose braces may share a line."""
        code = self.lx.code
        if stack and stack[-1][0] == "aggregate":
            return "aggregate"      # { 1, 2 }, inside an initializer
        before, bl = prev_token(code, n, col)
        if bl < 0:
            return "block"
        if re.search(r"\bdo$", before):
            return "do"
        if re.search(r"\belse$", before):
            return "block"
        if before.endswith(")"):
            opener = self.open_of(bl, len(before) - 1)
            if not opener:
                return "block"
            ol, oc = opener
            word = code[ol][:oc].rstrip()
            m = re.search(r"(\w+)$", word)
            w = m.group(1) if m else ""
            if w == "switch":
                return "switch"
            if w in CONTROL:
                return "block"
            if AGGREGATE.search(word) or re.search(r"[=,(]$", word) or \
               not w:
                return "aggregate"  # a compound literal, (type){ ... }
            return "block"          # a function, or a macro loop
        if before.endswith(":") and CASE.match(code[bl].strip()):
            return "case-block"
        if before.endswith((";", "{", "}", ":")):
            return "block"          # a bare scope
        return "aggregate"          # = {, struct x {, ({

    def open_of(self, line, col):
        code = self.lx.code
        depth = 0
        while line >= 0:
            s = code[line]
            while col >= 0:
                if s[col] == ")":
                    depth += 1
                elif s[col] == "(":
                    depth -= 1
                    if depth == 0:
                        return line, col
                col -= 1
            line -= 1
            col = len(code[line]) - 1 if line >= 0 else 0
        return None


FRAGMENT = re.compile(r"^\s*(/\*|\*)\s*xen-style: inside a function\b", re.M)


def check_text(text, whole=True, in_comment=False, trusted=None):
    outer = 4 if whole and FRAGMENT.search(text) else 0
    return Checker(Lexed(text, in_comment), whole, in_comment, trusted,
                   outer).run()


def hunks(patch_lines):
    """The hunks of a unified diff that touch .c and .h files: (target
    path, whole new file?, [(new text line, patch line, new line, added)])."""
    target = None
    i = 0
    while i < len(patch_lines):
        line = patch_lines[i]
        if line.startswith("+++ "):
            path = line[4:].split("\t")[0].strip()
            target = path[2:] if path.startswith("b/") else path
            i += 1
            continue
        m = re.match(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        if not m or target is None:
            i += 1
            continue
        old_start = int(m.group(1))
        old_len = int(m.group(2) if m.group(2) is not None else 1)
        new_no = int(m.group(3))
        new_len = int(m.group(4) if m.group(4) is not None else 1)
        whole = old_start == 0 and old_len == 0
        body = []
        i += 1
        left_old, left_new = old_len, new_len
        while i < len(patch_lines) and (left_old > 0 or left_new > 0):
            pl = patch_lines[i]
            tag = pl[:1]
            if tag == "\\":
                i += 1
                continue
            if tag == "-":
                left_old -= 1
            elif tag in ("+", " ") or pl == "":
                body.append((pl[1:], i + 1, new_no, tag == "+"))
                new_no += 1
                left_new -= 1
                if tag != "+":
                    left_old -= 1
            else:
                break
            i += 1
        if target.endswith((".c", ".h")):
            yield target, whole, body


def check_patch(path, text):
    out = []
    for target, whole, body in hunks(text.split("\n")):
        lines = [b[0] for b in body]
        trusted = {i for i, b in enumerate(body) if not b[3]}
        found = check_text("\n".join(lines) + "\n", whole,
                           not whole and starts_in_comment(lines), trusted)
        for f in found:
            _, patch_line, new_line, added = body[f.line - 1]
            if added:
                out.append((patch_line, "%s:%d: %s: %s" % (
                    path, patch_line, f.rule,
                    "[%s:%d] %s" % (target, new_line, f.text()))))
    return [o[1] for o in sorted(out)]


def main(argv):
    if argv[1:2] == ["--list-rules"]:
        for name in RULES:
            print("%-17s %s" % (name, RULES[name]))
        return 0
    files = argv[1:]
    if not files:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    findings = bad_files = 0
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError as e:
            sys.stderr.write("xen-style: %s: %s\n" % (path, e.strerror))
            return 2
        if path.endswith(".patch"):
            lines = check_patch(path, text)
        else:
            lines = ["%s:%d: %s: %s" % (path, f.line, f.rule, f.text())
                     for f in check_text(text)]
        for line in lines:
            print(line)
        findings += len(lines)
        bad_files += 1 if lines else 0
    if findings:
        sys.stderr.write("xen-style: %d finding%s in %d of %d files\n" % (
            findings, "" if findings == 1 else "s", bad_files, len(files)))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
