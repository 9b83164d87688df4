#!/usr/bin/env bash
# tier: lab
# The Xen side (hypervisor-patch/, docs/hypervisor.md):
#   - hypervisor-patch/series names every source of hypervisor-patch/xen/
#     and every stock patch once, and its step markers are consistent;
#   - the stock patches apply to the pristine Debian source and to the
#     upstream orig tarball, change only stock files and carry no core/;
#   - `make xen` builds a hypervisor with CONFIG_XFO=y from the sources
#     (incremental: cheap when build/xen is current), whose symbols hold
#     the hypercall, the hook, the resolver, the verifier and the
#     interpreter;
#   - the tree `make xen` compiled holds the sources (markers removed)
#     and the imported core/ and ABI files byte for byte, and nothing
#     else in xfo's directories;
#   - the hook sits right before the injection in do_page_fault(); the
#     resolver installs PTEs through mod_l1_entry() under the L1's page
#     lock; common/xfo/ holds no x86/PV specifics; every control op goes
#     through xsm_xfo_op(XSM_PRIV); the sources keep Xen's style where a
#     grep can tell;
#   - no step marker of the sources in `make xen-patch`'s output;
#   - `make xen-patch`'s series: each patch changes at most 400 lines
#     (the imports of xfo's core and ABI too), one author with a
#     Signed-off-by, only adding lines; it applies to the pristine Debian
#     source and that tree builds; applied to the orig tarball it gives
#     the same tree as the single patch;
#   - the single patch applies cleanly to a fresh pristine tree and that
#     tree builds (each build is redone only when its input changed);
#   - (with XFO_CHECK_PREFIXES=1) the tree builds after each patch of the
#     series (redone only when the series changed).
# Needs the network once, to fetch Xen's source package (scripts/deps.sh
# adds the deb-src entry); later runs reuse build/xen/src.
# Usage: tests/suites/xen-patch.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
xb=hypervisor-patch/xen-build.sh
xs=hypervisor-patch/xfo-series.py
B=build/xen
# Not under BUILD_DIR: the top Makefile includes every *.d file below
# $(O), and Xen trees are full of them. BUILD_DIR is not used otherwise.
work="$B/suite"
mkdir -p "$work"
log="$work/step.log"

# The size a patch of the series may have, in lines it adds or removes.
MAX_PATCH_LINES=400

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
note() { echo "note: $1"; }
# The last lines of the step log, on one line, for a FAIL message.
why() { grep -v '^ *$' "$log" | tail -n "${1:-3}" | tr '\n' ' ' | cut -c1-400; }
# A setup step that must work for the checks after it: a note, or the
# log and a FAIL, and the suite stops.
setup() {
	local what=$1
	shift
	if "$@" >"$log" 2>&1; then
		note "$what"
	else
		cat "$log"
		fail "$what" "$(why)"
		exit 1
	fi
}

# --- the source -----------------------------------------------------------
setup "fetched xen source" $xb fetch
version=$(cat "$B/src/version")
[ -f "$B/src/fallback" ] &&
	note "xen source $version is a FALLBACK: $(cat "$B/src/fallback") not fetchable"

# --- the manifest and the stock patches -----------------------------------
if $xs check >"$log" 2>&1; then
	pass "series names every source and stock patch once, markers consistent"
else
	fail "series names every source and stock patch once, markers consistent" "$(why)"
fi

for kind in debian orig; do
	tree="$work/stock-$kind"
	if $xb unpack "$tree" "$kind" >"$log" 2>&1 &&
	   $xb apply-series "$tree" >>"$log" 2>&1; then
		pass "stock patches apply to pristine $kind tree of $version"
	else
		cat "$log"
		fail "stock patches apply to pristine $kind tree of $version" "$(why 2)"
	fi
	rm -rf "$tree"
done

bad=$(grep -lE '^(\+\+\+ b/xen/(common/xfo/|include/public/xfo\.h)|--- /dev/null)' \
	hypervisor-patch/stock/*.patch 2>/dev/null || true)
copies=$(find hypervisor-patch/xen -path '*/common/xfo/core/*' \
	\( -name '*.c' -o -name '*.h' \) 2>/dev/null)
if [ -z "$bad$copies" ]; then
	pass "stock patches only change stock files; no copy of core/ in hypervisor-patch/"
else
	fail "stock patches only change stock files; no copy of core/ in hypervisor-patch/" \
		"new files or xfo files in:$bad$copies"
fi

# --- make xen ---------------------------------------------------------------
start=$SECONDS
setup "make xen built build/xen/xen" make --no-print-directory xen
note "make xen took $((SECONDS - start)) s"

if grep -qx 'CONFIG_XFO=y' "$B/xen.config" 2>/dev/null; then
	pass "make xen: CONFIG_XFO=y"
else
	fail "make xen: CONFIG_XFO=y" "not in $B/xen.config"
fi

# QEMU's -kernel wants the multiboot ELF: 32-bit ELF with a multiboot
# header (magic 0x1badb002) in its first 8 KiB. (The words are read into
# a variable first: grep -q at the end of a pipe would stop od early, and
# under pipefail od's SIGPIPE failed the check now and then.)
words=$([ -f "$B/xen" ] && head -c 8192 "$B/xen" | od -An -tx4 -w4 -v)
if [ -f "$B/xen" ] && [ "$(head -c 4 "$B/xen" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] &&
   [ "$(head -c 5 "$B/xen" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 1 ] &&
   grep -q 1badb002 <<<"$words"; then
	pass "build/xen/xen is a 32-bit multiboot ELF"
else
	fail "build/xen/xen is a 32-bit multiboot ELF" "missing or not multiboot"
fi

if [ -f "$B/xen.gz" ] && zcat "$B/xen.gz" | cmp -s - "$B/xen"; then
	pass "build/xen/xen.gz is build/xen/xen compressed"
else
	fail "build/xen/xen.gz is build/xen/xen compressed" "differs or missing"
fi

# (nm into a file: grep -q closing a pipe early would fail it under pipefail)
nm "$B/xen-syms" >"$work/xen-syms.nm" 2>/dev/null
missing=
for sym in do_xfo_op xfo_do_page_fault xfo_domain_destroy xfo_map_guest_areas \
	   xfo_resolve xfo_verify xfo_vm_run xfo_helper_proto xfo_arch_l1_get \
	   xfo_arch_l1_install xfo_arch_pool_get pv_l1e_install pv_l1e_remove; do
	grep -q " [Tt] $sym\$" "$work/xen-syms.nm" || missing="$missing $sym"
done
if [ -z "$missing" ]; then
	pass "xen-syms has the hypercall, the hook, the resolver, the verifier and the interpreter"
else
	fail "xen-syms has the hypercall, the hook, the resolver, the verifier and the interpreter" \
		"missing:$missing"
fi

# --- no drift between the sources and what Xen compiles ----------------------
tree="$B/tree"
rendered="$work/rendered"
rm -rf "$rendered"
drift=
$xs files "$rendered" >/dev/null 2>"$log" || drift=" (xfo-series.py files: $(why 1))"
for rel in $($xs list 2>/dev/null); do
	cmp -s "$rendered/$rel" "$tree/$rel" || drift="$drift $rel"
done
# The imports: every core file, include/xfo.h, include/io/xfo_areas.h.
while read -r f rel; do
	cmp -s "$f" "$tree/$rel" || drift="$drift $f"
done < <($xs imports 2>/dev/null || echo "xfo-series.py-imports-failed -")
for f in "$tree"/xen/common/xfo/*.[ch] "$tree"/xen/common/xfo/core/*.[ch]; do
	[ -e "$f" ] || continue
	rel=${f#"$tree"/}
	case $rel in
	xen/common/xfo/core/*) [ -e "core/$(basename "$f")" ] ;;
	*) [ -e "$rendered/$rel" ] ;;
	esac || drift="$drift extra:$rel"
done
for f in "$tree"/xen/common/xfo/*.c "$tree"/xen/common/xfo/core/*.c \
	 "$tree"/xen/arch/x86/pv/xfo.c; do
	[ -e "$f" ] || continue
	[ "${f%.c}.o" -nt "$f" ] || drift="$drift unbuilt:${f#"$tree"/}"
done
if [ -z "$drift" ]; then
	pass "make xen compiled the sources and the imported core/ and ABI files byte for byte"
else
	fail "make xen compiled the sources and the imported core/ and ABI files byte for byte" "drift:$drift"
fi

# --- what the code says, where a script can tell ----------------------------
x=$tree/xen
if awk '/^void do_page_fault\(/ {f=1} f && /xfo_page_fault\(addr, regs\)/ {h=NR}
	f && /pv_inject_page_fault\(regs->error_code, addr\);/ {
		if (h && NR - h <= 3) ok=1; exit }
	END {exit !ok}' "$x/arch/x86/traps.c"; then
	pass "hook right before pv_inject_page_fault() in do_page_fault()"
else
	fail "hook right before pv_inject_page_fault() in do_page_fault()" \
		"not found in $x/arch/x86/traps.c"
fi

# The resolver's only way into a guest L1 table: pv_l1e_install() and
# pv_l1e_remove() in mm.c, which call mod_l1_entry() (the validation and
# reference counting of mmu_update), called from pv/xfo.c between
# page_lock() and page_unlock() of the L1 (xfo_arch_l1_lock/unlock).
mmc="$x/arch/x86/mm.c" pvx="$x/arch/x86/pv/xfo.c"
if [ -f "$pvx" ] &&
   awk '/^int pv_l1e_install\(/,/^}/' "$mmc" | grep -q 'mod_l1_entry(' &&
   awk '/^int pv_l1e_remove\(/,/^}/' "$mmc" | grep -q 'mod_l1_entry(' &&
   awk '/^bool xfo_arch_l1_lock\(/,/^}/' "$pvx" | grep -q 'page_lock(l1->page)' &&
   ! grep -qE 'l1e_write|write_atomic|UPDATE_ENTRY|paging_write_guest_entry' "$pvx" &&
   ! cat "$x"/common/xfo/*.c | grep -qE 'l1e_write|UPDATE_ENTRY|paging_write_guest_entry'; then
	pass "resolver writes PTEs only through mod_l1_entry() under the L1's page lock"
else
	fail "resolver writes PTEs only through mod_l1_entry() under the L1's page lock" \
		"pv_l1e_install/remove or xfo_arch_l1_lock changed, or a direct PTE write in pv/xfo.c or common/xfo/"
fi

# x86 and PV specifics live under arch/x86/ (asm/xfo.h, pv/xfo.c).
arch=$(grep -nE 'regs->rip|guest_kernel_mode|is_pv_32bit|VADDR_BITS|1UL << 47|l[1-4]e_|_PAGE_|pagetable_' \
	"$x"/common/xfo/*.[ch] 2>/dev/null | sed 's|.*/common/xfo/||' | head -n 5)
if [ -z "$arch" ]; then
	pass "common/xfo/ has no x86/PV specifics (they are in arch/x86/)"
else
	fail "common/xfo/ has no x86/PV specifics (they are in arch/x86/)" "$arch"
fi

# Every op of do_xfo_op() either checks xsm_xfo_op(XSM_PRIV) in its case,
# or is a guest's own op whose function checks its caller with
# xfo_get_target(); the dummy policy of xsm_xfo_op() is XSM_PRIV; no
# privilege check of xfo's bypasses XSM.
xsm_bad=$(awk '/^long do_xfo_op\(/ {f=1} f && /^}/ {exit}
	f && /case XFOOP_/ {c=$2; sub(":", "", c)}
	f && c && /rc = / { if ($0 !~ /xsm_xfo_op\(XSM_PRIV, cmd\)/) print c; c="" }' \
	"$x/common/xfo/xfo.c" | while read -r op; do
		fn=$(awk -v op="$op" '$0 ~ "case " op ":" {f=1; next}
			f && /rc = / {sub(/.*rc = /, ""); sub(/\(.*/, ""); print; exit}' \
			"$x/common/xfo/xfo.c")
		awk -v fn="$fn" '$0 ~ "^int " fn "\\(" {f=1} f && /^}/ {exit}
			f && /xfo_get_target\(/ {ok=1} END {exit !ok}' \
			"$x"/common/xfo/*.c || echo "$op"
	done)
cases=$(awk '/^long do_xfo_op\(/ {f=1} f && /^}/ {exit} f && /case XFOOP_/' \
	"$x/common/xfo/xfo.c" | wc -l)
if [ "$cases" -ge 12 ] && [ -z "$xsm_bad" ] &&
   awk '/xsm_xfo_op\(XSM_DEFAULT_ARG/ {f=1} f && /^}/ {exit}
	f && /XSM_ASSERT_ACTION\(XSM_PRIV\)/ {ok=1} END {exit !ok}' \
	"$x/include/xsm/dummy.h" &&
   ! grep -q 'is_control_domain' "$x"/common/xfo/*.c; then
	pass "every op goes through xsm_xfo_op(XSM_PRIV) or is a guest's own op ($cases ops)"
else
	fail "every op goes through xsm_xfo_op(XSM_PRIV) or is a guest's own op" \
		"ops $cases, unchecked:${xsm_bad:- none}, or dummy policy not XSM_PRIV, or is_control_domain() in common/xfo/"
fi

style=
for f in $(find hypervisor-patch/xen -name '*.[ch]' | sort); do
	n=${f#hypervisor-patch/}
	grep -qP '\t' "$f" && style="$style $n:tabs"
	grep -qE ' +$' "$f" && style="$style $n:trailing-space"
	awk 'length > 79 {bad=1} END {exit !bad}' "$f" && style="$style $n:long-lines"
	grep -qE '(^|[^:])//' "$f" && style="$style $n:c++-comments"
	grep -qE '\<(if|while|for|switch) \([^ ]' "$f" && style="$style $n:cond-spacing"
done
if [ -z "$style" ]; then
	pass "hypervisor-patch/xen sources follow CODING_STYLE (tabs, spacing, width)"
else
	fail "hypervisor-patch/xen sources follow CODING_STYLE (tabs, spacing, width)" "$style"
fi

# --- make xen-patch: the series ----------------------------------------------
patchfile="$B/xfo-xen-4.17.patch"
series="$B/series"
setup "make xen-patch wrote $patchfile and $series/" \
	make --no-print-directory xen-patch
[ -s "$patchfile" ] || { fail "make xen-patch" "no $patchfile"; exit 1; }
patches=$(find "$series" -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
[ -n "$patches" ] || { fail "make xen-patch" "no patches in $series"; exit 1; }
note "the series has $(echo "$patches" | wc -l) patches"
abs_patches=()
for p in $patches; do abs_patches+=("$(realpath "$p")"); done

# The step markers of the sources stay in hypervisor-patch/.
leaked=$(grep -l 'xfo-step:' "$patchfile" "${abs_patches[@]}" 2>/dev/null)
if [ -z "$leaked" ]; then
	pass "no step marker in the single patch or the series"
else
	fail "no step marker in the single patch or the series" "in $leaked"
fi

# The + and - lines inside the hunks of patch $1.
changed_lines() {
	awk '/^diff --git / || /^-- $/ { h = 0; next }
	     /^@@ / { h = 1; next }
	     h && /^[-+]/ { n++ }
	     END { print n + 0 }' "$1"
}

# Every patch is for review and must stay small, the imports of xfo's own
# core and ABI files included (their steps split them): a patch's size is
# the lines it adds or removes, as git's diffstat counts them; its whole
# file (mail header, message, diffstat) is a note.
steps=$($xs steps)
big='' n=0 largest=0
for p in $patches; do
	n=$((n + 1))
	changed=$(changed_lines "$p")
	[ "$changed" -gt "$largest" ] && largest=$changed
	[ "$changed" -gt $MAX_PATCH_LINES ] && big="$big $(basename "$p"):$changed"
	note "$(basename "$p"): $changed lines changed, $(wc -l <"$p") in its file"
done
if [ -z "$big" ] && [ "$n" = "$(echo "$steps" | wc -l)" ]; then
	pass "each patch of the series changes at most $MAX_PATCH_LINES lines (the largest $largest)"
else
	fail "each patch of the series changes at most $MAX_PATCH_LINES lines" \
		"patches $n for $(echo "$steps" | wc -l) steps; too big:$big"
fi

unsigned=
for p in $patches; do
	from=$(sed -n 's/^From: //p' "$p" | head -n 1)
	sobs=$(sed -n 's/^Signed-off-by: //p' "$p" | sort -u)
	[ -n "$from" ] && [ "$sobs" = "$from" ] || unsigned="$unsigned $(basename "$p")"
done
authors=$(sed -n 's/^From: //p' "${abs_patches[@]}" | sort -u | wc -l)
if [ -z "$unsigned" ] && [ "$authors" = 1 ]; then
	pass "every patch has one author, the same, and their Signed-off-by"
else
	fail "every patch has one author, the same, and their Signed-off-by" \
		"authors: $authors; no matching Signed-off-by:$unsigned"
fi

# Each patch only adds: no later patch edits or reverts a line an earlier
# one (or Xen) has.
removing=
for p in $patches; do
	grep -qE '^-([^-]|$)|^--[^-]|^---[^ ]' "$p" && removing="$removing $(basename "$p")"
done
if [ -z "$removing" ]; then
	pass "no patch of the series removes or rewrites a line"
else
	fail "no patch of the series removes or rewrites a line" "in$removing"
fi

# Applied to the orig tarball with git am, the series gives the same tree
# as the single patch applied with patch -p1.
rm -rf "$work/am" "$work/single-apply"
if $xb unpack "$work/am" orig >"$log" 2>&1 &&
   (cd "$work/am" && rm -f .xfo-source && git init -q && git add -A . &&
    git -c user.name=t -c user.email=t@t commit -qm base &&
    git -c user.name=t -c user.email=t@t am -q "${abs_patches[@]}") >>"$log" 2>&1 &&
   $xb unpack "$work/single-apply" orig >>"$log" 2>&1 &&
   (cd "$work/single-apply" && patch -p1 --batch --forward \
	<"$OLDPWD/$patchfile") >"$work/single.log" 2>&1 &&
   ! grep -qiE 'offset|fuzz|hunk' "$work/single.log"; then
	pass "single patch applies cleanly with patch -p1 to pristine $version"
	if diff -r -x .git -x .xfo-source "$work/am" "$work/single-apply" >"$log" 2>&1; then
		pass "series (git am) and single patch give the same tree"
	else
		fail "series (git am) and single patch give the same tree" "$(why 2)"
	fi
else
	cat "$log" "$work/single.log" 2>/dev/null
	fail "series applies with git am, single patch with patch -p1, to pristine $version" "$(why 2)"
fi
rm -rf "$work/am" "$work/single-apply"

# A tree is built again only when its input (the patch or series, the Xen
# source, the compiler) changed.
build_tree() {
	local what=$1 tree=$2 key=$3
	shift 3
	if [ -f "$tree/.xfo-built" ] && [ "$(cat "$tree/.xfo-built")" = "$key" ] &&
	   [ -f "$tree/xen/xen" ]; then
		pass "$what builds with CONFIG_XFO=y (reused: built before from sha256 ${key%% *})"
		return
	fi
	start=$SECONDS
	rm -rf "$tree"
	if "$@" >"$log" 2>&1 &&
	   $xb configure "$tree" >>"$log" 2>&1 &&
	   $xb compile "$tree" >>"$log" 2>&1 &&
	   grep -qx 'CONFIG_XFO=y' "$tree/xen/.config" &&
	   nm "$tree/xen/xen-syms" >"$work/tree.nm" &&
	   grep -q ' T do_xfo_op$' "$work/tree.nm"; then
		echo "$key" >"$tree/.xfo-built"
		pass "$what builds with CONFIG_XFO=y ($((SECONDS - start)) s)"
	else
		cat "$log"
		fail "$what builds with CONFIG_XFO=y" "$(why)"
	fi
}

# apply_patches TREE KIND PATCH...: a fresh unpack of KIND, the patches on it
apply_patches() {
	local tree=$1 kind=$2 p
	shift 2
	$xb unpack "$tree" "$kind" || return 1
	for p in "$@"; do
		(cd "$tree" && patch -p1 -s --batch --forward) <"$p" ||
			{ echo "$(basename "$p") does not apply"; return 1; }
	done
}

gccv=$(gcc -dumpfullversion 2>/dev/null)
build_tree "series applied to the pristine Debian source" "$work/series-build" \
	"$(cat "${abs_patches[@]}" | sha256sum | cut -d' ' -f1) $version $gccv" \
	apply_patches "$work/series-build" debian "${abs_patches[@]}"
build_tree "single-patch tree" "$work/single-build" \
	"$(sha256sum "$patchfile" | cut -d' ' -f1) $version $gccv" \
	apply_patches "$work/single-build" orig "$patchfile"

# --- the tree builds after each patch of the series --------------------------
# One tree, the patches applied one at a time with a build after each,
# from the first that has CONFIG_XFO. A patch that touches a widely
# included header rebuilds nearly all of Xen, so this costs several full
# builds: run it with XFO_CHECK_PREFIXES=1 (say, before sending the
# series), not on every `make test`.
tree="$work/prefixes"
key="$(cat "${abs_patches[@]}" | sha256sum | cut -d' ' -f1) $version $gccv"
if [ "${XFO_CHECK_PREFIXES:-0}" != 1 ]; then
	note "the build after each patch of the series was not run (XFO_CHECK_PREFIXES=1 runs it)"
elif [ -f "$tree/.xfo-prefixes" ] && [ "$(cat "$tree/.xfo-prefixes")" = "$key" ]; then
	pass "the tree builds after each patch of the series (reused: built before from sha256 ${key%% *})"
else
	start=$SECONDS
	built='' broken='' configured=''
	rm -rf "$tree"
	if $xb unpack "$tree" debian >"$log" 2>&1; then
		for p in $patches; do
			n=$(basename "$p")
			if ! (cd "$tree" && patch -p1 -s --batch --forward) <"$p" >>"$log" 2>&1; then
				broken="$n (does not apply)"
				break
			fi
			# Nothing to build before CONFIG_XFO exists.
			grep -q '^config XFO$' "$tree/xen/common/Kconfig" || continue
			if [ -z "$configured" ]; then
				$xb configure "$tree" >>"$log" 2>&1 ||
					{ broken="$n (configure)"; break; }
				configured=1
			fi
			if ! $xb compile "$tree" >>"$log" 2>&1; then
				broken="$n"
				break
			fi
			built="$built ${n%%-*}"
		done
	else
		broken="unpack"
	fi
	if [ -z "$broken" ]; then
		echo "$key" >"$tree/.xfo-prefixes"
		pass "the tree builds after each patch of the series:$built ($((SECONDS - start)) s)"
	else
		cat "$log"
		fail "the tree builds after each patch of the series" "built:$built; broken at $broken: $(why)"
	fi
fi
