#!/usr/bin/env bash
# The checks of `make style` can fail, and fail on the right lines:
#   - scripts/xen-style.py against every case in tests/style (README.md
#     there): each sample breaks one rule of Xen's CODING_STYLE and must be
#     reported exactly where it breaks it; the clean samples, Xen's own
#     forms, must pass untouched;
#   - scripts/style.sh on a small tree of bad files (-C): each check it
#     runs finds its file, names FILE:LINE, and exits 1; on a clean tree
#     it exits 0. checkpatch.pl's case runs when it is already fetched
#     (build/style/checkpatch; `make style` fetches it), never fetching it
#     here.
# Usage: tests/suites/style-checker.once.sh BUILD_DIR (unused: nothing is built)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
oneline() { tr '\n' ' ' | cut -c1-300; }

# --- scripts/xen-style.py against tests/style/*.data --------------------------
for data in tests/style/*.data; do
	name=style-$(basename "$data" .data)
	kind=$(awk '/^-- (c|patch)$/ { print $2; exit }' "$data")
	if [ -z "$kind" ] || ! grep -qx -- '-- findings' "$data"; then
		fail "$name" "$data has no '-- c' or '-- patch' section and '-- findings'"
		continue
	fi
	sample=$T/sample.c
	[ "$kind" = patch ] && sample=$T/sample.patch
	awk '/^-- (c|patch)$/ { on = 1; next } /^-- findings$/ { on = 0 } on' \
		"$data" >"$sample"
	awk '/^-- findings$/ { on = 1; next } on && NF' "$data" | sort >"$T/want"
	python3 scripts/xen-style.py "$sample" >"$T/out" 2>"$T/err"
	rc=$?
	sed -E 's/^[^:]+:([0-9]+): ([a-z-]+):.*/\1 \2/' "$T/out" | sort >"$T/got"
	want_rc=1
	[ -s "$T/want" ] || want_rc=0
	if [ $rc -eq $want_rc ] && cmp -s "$T/want" "$T/got"; then
		pass "$name ($(wc -l <"$T/want") findings)"
	elif [ $rc -ne $want_rc ] && [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		fail "$name" "exit $rc: $(oneline <"$T/err")"
	else
		fail "$name" "exit $rc (want $want_rc); missing: $(comm -23 "$T/want" "$T/got" | oneline); unexpected: $(comm -13 "$T/want" "$T/got" | oneline)"
	fi
done

# --- scripts/style.sh on a tree of its own ------------------------------------
bad=$T/bad
mkdir -p "$bad/core" "$bad/hypervisor-patch/xen/common" "$bad/guest-agent/kmod" \
	 "$bad/guest-agent/include" "$bad/tools"
printf 'int f(int a)\n{\n    if (a)\n        return 1;\n    return 0;\n}\n' >"$bad/core/bad.c"
printf 'int g(int a)\n{\n\treturn a;\n}\n' >"$bad/hypervisor-patch/xen/common/bad.c"
printf '%s\n' '--- a/xen/common/x.c' '+++ b/xen/common/x.c' '@@ -1,2 +1,3 @@' \
	' int x;' '+int y; // new' ' int z;' >"$bad/hypervisor-patch/0001-bad.patch"
# A script found by its first line, and one by its name; their $ are
# theirs, not this suite's.
# shellcheck disable=SC2016
printf '#!/bin/sh\nfor f in $(ls /tmp); do echo $f; done\n' >"$bad/tools/run"
# shellcheck disable=SC2016
printf '#!/usr/bin/env bash\necho "$1"\n' >"$bad/tools/ok.sh"
printf '// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\n\nstatic int bad(void)\n{\n\tint x = 1;  \n\treturn x;\n}\n' \
	>"$bad/guest-agent/kmod/bad.c"

style() { scripts/style.sh -C "$1" "$2" >"$T/out" 2>&1; }
expect_finding() {
	local name=$1 check=$2 where=$3
	style "$bad" "$check"
	local rc=$?
	if [ $rc -eq 1 ] && grep -q "^$where" "$T/out"; then
		pass "$name"
	else
		fail "$name" "exit $rc, want 1 and a line starting '$where': $(oneline <"$T/out")"
	fi
}
expect_finding "style.sh xen: core/*.c" xen "core/bad.c:3: keyword-space"
expect_finding "style.sh xen: hypervisor-patch/xen/**/*.c" xen \
	"hypervisor-patch/xen/common/bad.c:3: tab"
expect_finding "style.sh xen: the lines a patch adds" xen \
	"hypervisor-patch/0001-bad.patch:5: cpp-comment: \[xen/common/x.c:2\]"
expect_finding "style.sh shellcheck: a script found by its #! line" shellcheck \
	"tools/run:2:.*SC2045"
if grep -q '^tools/ok.sh' "$T/out"; then
	fail "style.sh shellcheck: a clean script has no finding" "$(grep '^tools/ok.sh' "$T/out" | oneline)"
else
	pass "style.sh shellcheck: a clean script has no finding"
fi
if [ -x build/style/checkpatch/checkpatch.pl ]; then
	expect_finding "style.sh checkpatch: guest-agent/kmod" checkpatch \
		"guest-agent/kmod/bad.c:6: ERROR:TRAILING_WHITESPACE"
else
	echo "SKIP style.sh checkpatch: guest-agent/kmod: checkpatch.pl is not fetched yet (make style fetches it)"
fi

# --- scripts/fetch-checkpatch.sh's choice, on fabricated package lists ------
# apt-cache offers what $T/offered lists; apt-get (update) does nothing.
mkdir -p "$T/fakebin"
cat >"$T/fakebin/apt-cache" <<'EOF'
#!/bin/sh
[ "$1" = madison ] && [ "$2" = linux-source-6.1 ] || exit 0
while read -r v; do
	echo " linux-source-6.1 | $v | file:/fabricated bookworm/main amd64 Packages"
done <"$FAKE_OFFERED"
EOF
printf '#!/bin/sh\nexit 0\n' >"$T/fakebin/apt-get"
chmod +x "$T/fakebin/apt-cache" "$T/fakebin/apt-get"
which_version() {
	printf '%s\n' "$@" >"$T/offered"
	rm -rf "$T/style-out"
	PATH=$T/fakebin:$PATH FAKE_OFFERED=$T/offered XFO_STYLE_OUT=$T/style-out \
		XFO_CHECKPATCH_PIN=6.1.192-2 scripts/fetch-checkpatch.sh --which \
		>"$T/out" 2>"$T/err"
}
which_version 6.1.192-3 6.1.192-2 6.1.190-1
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$T/out")" = "linux-source-6.1 6.1.192-2" ] &&
   ! grep -q 'FALLBACK' "$T/err"; then
	pass "fetch-checkpatch: the pin when it is offered"
else
	fail "fetch-checkpatch: the pin when it is offered" "exit $rc: $(oneline <"$T/out") $(oneline <"$T/err")"
fi
which_version 6.1.99-1 6.1.192-3 6.1.190-1 6.12.1-1
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$T/out")" = "linux-source-6.1 6.1.192-3" ] &&
   grep -q 'FALLBACK linux-source-6.1: pinned 6.1.192-2 is not offered; USING 6.1.192-3' "$T/err"; then
	pass "fetch-checkpatch: pin gone: the newest 6.1.x, logged loudly"
else
	fail "fetch-checkpatch: pin gone: the newest 6.1.x, logged loudly" "exit $rc: $(oneline <"$T/out") $(oneline <"$T/err")"
fi
which_version 6.12.1-1
rc=$?
if [ $rc -ne 0 ] && grep -q 'no version of linux-source-6.1 fits: pinned 6.1.192-2.*offers: 6.12.1-1' "$T/err"; then
	pass "fetch-checkpatch: no 6.1.x offered: an error naming what is"
else
	fail "fetch-checkpatch: no 6.1.x offered: an error naming what is" "exit $rc: $(oneline <"$T/err")"
fi

good=$T/good
mkdir -p "$good/core" "$good/tools"
printf 'int f(int a)\n{\n    if ( a )\n        return 1;\n    return 0;\n}\n' >"$good/core/good.c"
cp "$bad/tools/ok.sh" "$good/tools/ok.sh"
for check in xen shellcheck; do
	if style "$good" "$check"; then
		pass "style.sh $check: a clean tree exits 0"
	else
		fail "style.sh $check: a clean tree exits 0" "$(oneline <"$T/out")"
	fi
done
style "$good" nonsense
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown check 'nonsense'" "$T/out"; then
	pass "style.sh: an unknown check is a usage error"
else
	fail "style.sh: an unknown check is a usage error" "exit $rc: $(oneline <"$T/out")"
fi
exit 0
