#!/usr/bin/env bash
# tier: lab
# The Xen patch (hypervisor-patch/, docs/hypervisor.md):
#   - the series applies to the pristine Debian source and to the upstream
#     orig tarball, and carries no copy of core/;
#   - `make xen` builds a hypervisor with CONFIG_XFO=y (incremental: cheap
#     when build/xen is current);
#   - `make xen-patch`'s single patch applies with patch -p1 to a fresh
#     pristine tree, and that tree builds too (the build is redone only when
#     the patch changed: its sha256 is the cache key);
#   - the core Xen compiles is byte for byte core/ and include/xfo.h;
#   - (with XFO_CHECK_PREFIXES=1) every prefix of the series builds (each patch on top of the ones
#     before it; redone only when the series changed);
#   - the hook sits right before the injection in do_page_fault(), the
#     resolver installs PTEs through mod_l1_entry() under the L1's page
#     lock, and xfo.c, xen/xfo.h and pv/xfo.c follow Xen's coding style
#     where a script can tell.
# Needs the network once, to fetch Xen's source package (scripts/deps.sh
# adds the deb-src entry); later runs reuse build/xen/src.
# Usage: tests/suites/xen-patch.once.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
xb=hypervisor-patch/xen-build.sh
B=build/xen
# Not under BUILD_DIR: the top Makefile includes every *.d file below
# $(O), and Xen trees are full of them. BUILD_DIR is not used otherwise.
work="$B/suite"
mkdir -p "$work"
log="$work/step.log"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# The last lines of the step log, on one line, for a FAIL message.
why() { grep -v '^ *$' "$log" | tail -n "${1:-3}" | tr '\n' ' ' | cut -c1-400; }

# --- the source -----------------------------------------------------------
if $xb fetch >"$log" 2>&1; then
	version=$(cat "$B/src/version")
	pass "fetch xen source $version$( [ -f "$B/src/fallback" ] && echo " (FALLBACK: $(cat "$B/src/fallback") not fetchable)")"
else
	cat "$log"
	fail "fetch xen source" "$(why)"
	exit 1
fi

# --- the series against pristine trees ------------------------------------
for kind in debian orig; do
	tree="$work/series-$kind"
	if $xb unpack "$tree" "$kind" >"$log" 2>&1 &&
	   $xb apply-series "$tree" >>"$log" 2>&1; then
		pass "series applies to pristine $kind tree of $version"
	else
		cat "$log"
		fail "series applies to pristine $kind tree of $version" "$(why 2)"
	fi
	rm -rf "$tree"
done

copies=$(grep -lE '^\+\+\+ b/xen/(common/xfo/[^/]*\.[ch]|include/public/xfo\.h)' \
	hypervisor-patch/*.patch 2>/dev/null || true)
if [ -z "$copies" ]; then
	pass "series carries no copy of core/ or include/xfo.h"
else
	fail "series carries no copy of core/ or include/xfo.h" "in $copies"
fi

# --- make xen ---------------------------------------------------------------
start=$SECONDS
if make --no-print-directory xen >"$log" 2>&1; then
	pass "make xen ($((SECONDS - start)) s)"
else
	cat "$log"
	fail "make xen" "$(why)"
fi

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
for sym in do_xfo_op xfo_do_page_fault xfo_domain_destroy xfo_verify \
	   xfo_vm_run xfo_helper_proto xfo_arch_l1_get xfo_arch_l1_install \
	   xfo_arch_pool_get pv_l1e_install pv_l1e_remove; do
	grep -q " [Tt] $sym\$" "$work/xen-syms.nm" || missing="$missing $sym"
done
if [ -z "$missing" ]; then
	pass "xen-syms has the hypercall, the hook, the resolver, the verifier and the interpreter"
else
	fail "xen-syms has the hypercall, the hook, the resolver, the verifier and the interpreter" \
		"missing:$missing"
fi

# --- no drift between core/ and what Xen compiles --------------------------
tree="$B/tree/xen"
drift=
for f in core/*.c core/*.h; do
	cmp -s "$f" "$tree/common/xfo/$(basename "$f")" || drift="$drift $f"
done
cmp -s include/xfo.h "$tree/include/public/xfo.h" || drift="$drift include/xfo.h"
for f in "$tree"/common/xfo/*.c "$tree"/common/xfo/*.h; do
	[ -e "core/$(basename "$f")" ] || drift="$drift extra:$(basename "$f")"
done
for f in core/*.c; do
	o="$tree/common/xfo/$(basename "${f%.c}").o"
	[ "$o" -nt "$tree/common/xfo/$(basename "$f")" ] ||
		[ "$o" -ef "$tree/common/xfo/$(basename "$f")" ] ||
		drift="$drift unbuilt:$(basename "$o")"
done
if [ -z "$drift" ]; then
	pass "make xen compiled core/ and include/xfo.h byte for byte"
else
	fail "make xen compiled core/ and include/xfo.h byte for byte" "drift:$drift"
fi

# --- the hook's place and the style of the new files -----------------------
if awk '/^void do_page_fault\(/ {f=1} f && /xfo_page_fault\(addr, regs\)/ {h=NR}
	f && /pv_inject_page_fault\(regs->error_code, addr\);/ {
		if (h && NR - h <= 3) ok=1; exit }
	END {exit !ok}' "$tree/arch/x86/traps.c"; then
	pass "hook right before pv_inject_page_fault() in do_page_fault()"
else
	fail "hook right before pv_inject_page_fault() in do_page_fault()" \
		"not found in $tree/arch/x86/traps.c"
fi

# The resolver's only way into a guest L1 table: pv_l1e_install() and
# pv_l1e_remove() in mm.c, which call mod_l1_entry() (the validation and
# reference counting of mmu_update), called from pv/xfo.c between
# page_lock() and page_unlock() of the L1 (xfo_arch_l1_lock/unlock).
mmc="$tree/arch/x86/mm.c" pvx="$tree/arch/x86/pv/xfo.c"
if [ -f "$pvx" ] &&
   awk '/^int pv_l1e_install\(/,/^}/' "$mmc" | grep -q 'mod_l1_entry(' &&
   awk '/^int pv_l1e_remove\(/,/^}/' "$mmc" | grep -q 'mod_l1_entry(' &&
   awk '/^bool xfo_arch_l1_lock\(/,/^}/' "$pvx" | grep -q 'page_lock(l1->page)' &&
   ! grep -qE 'l1e_write|write_atomic|UPDATE_ENTRY|paging_write_guest_entry' "$pvx" &&
   ! grep -qE 'l1e_write|UPDATE_ENTRY|paging_write_guest_entry' "$tree/common/xfo.c"; then
	pass "resolver writes PTEs only through mod_l1_entry() under the L1's page lock"
else
	fail "resolver writes PTEs only through mod_l1_entry() under the L1's page lock" \
		"pv_l1e_install/remove or xfo_arch_l1_lock changed, or a direct PTE write in pv/xfo.c or xfo.c"
fi

style=
for f in "$tree/common/xfo.c" "$tree/include/xen/xfo.h" "$tree/arch/x86/pv/xfo.c"; do
	n=$(basename "$f")
	grep -qP '\t' "$f" && style="$style $n:tabs"
	grep -qE ' +$' "$f" && style="$style $n:trailing-space"
	awk 'length > 79 {bad=1} END {exit !bad}' "$f" && style="$style $n:long-lines"
	grep -qE '(^|[^:])//' "$f" && style="$style $n:c++-comments"
	grep -qE '\<(if|while|for|switch) \([^ ]' "$f" && style="$style $n:cond-spacing"
done
if [ -z "$style" ]; then
	pass "xfo.c, xen/xfo.h and pv/xfo.c follow CODING_STYLE (tabs, spacing, width)"
else
	fail "xfo.c, xen/xfo.h and pv/xfo.c follow CODING_STYLE (tabs, spacing, width)" "$style"
fi

# --- every prefix of the series builds ---------------------------------------
# One tree, the patches applied one at a time with a build after each (from
# 0001 on: before it there is no CONFIG_XFO). Incremental, so about one full
# build plus a little per patch; redone only when the series changed.
# A patch that touches a widely included header rebuilds nearly all of Xen,
# so this costs several full builds: run it with XFO_CHECK_PREFIXES=1 (say,
# before sending the series), not on every `make test`.
tree="$work/prefixes"
series=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' hypervisor-patch/series)
# shellcheck disable=SC2086  # $series is a list of file names
key="$(cd hypervisor-patch && cat $series | sha256sum | cut -d' ' -f1) $version $(gcc -dumpfullversion 2>/dev/null)"
if [ "${XFO_CHECK_PREFIXES:-0}" != 1 ]; then
	echo "note: the build of every prefix of the series was not run (XFO_CHECK_PREFIXES=1 runs it)"
elif [ -f "$tree/.xfo-prefixes" ] && [ "$(cat "$tree/.xfo-prefixes")" = "$key" ]; then
	pass "each patch builds on the ones before it (reused: this series, sha256 ${key%% *}, built before)"
else
	start=$SECONDS
	built='' broken=''
	rm -rf "$tree"
	if $xb unpack "$tree" debian >"$log" 2>&1; then
		for p in $series; do
			if ! (cd "$tree" && patch -p1 -s --batch --forward \
					<"$OLDPWD/hypervisor-patch/$p") >>"$log" 2>&1; then
				broken="$p (does not apply)"
				break
			fi
			if [ -z "$built" ]; then
				if ! { $xb sync-core "$tree" >>"$log" 2>&1 &&
				       $xb configure "$tree" >>"$log" 2>&1; }; then
					broken="$p (configure)"
					break
				fi
			fi
			if ! $xb compile "$tree" >>"$log" 2>&1; then
				broken="$p"
				break
			fi
			built="$built ${p%%-*}"
		done
	else
		broken="unpack"
	fi
	if [ -z "$broken" ]; then
		echo "$key" >"$tree/.xfo-prefixes"
		pass "each patch builds on the ones before it:$built ($((SECONDS - start)) s)"
	else
		cat "$log"
		fail "each patch builds on the ones before it" "built:$built; broken at $broken: $(why)"
	fi
fi

# --- the single patch --------------------------------------------------------
patchfile="$B/xfo-xen-4.17.patch"
if make --no-print-directory xen-patch >"$log" 2>&1 && [ -s "$patchfile" ]; then
	pass "make xen-patch writes $patchfile"
else
	cat "$log"
	fail "make xen-patch writes $patchfile" "$(why)"
	exit 1
fi

# Applies to a fresh pristine tree (the upstream orig tarball) every time.
tree="$work/single-apply"
if $xb unpack "$tree" orig >"$log" 2>&1 &&
   (cd "$tree" && patch -p1 --batch --forward <"$OLDPWD/$patchfile") >>"$log" 2>&1 &&
   ! grep -qiE 'offset|fuzz|hunk' "$log"; then
	pass "single patch applies cleanly with patch -p1 to pristine $version"
else
	cat "$log"
	fail "single patch applies cleanly with patch -p1 to pristine $version" "$(why 2)"
fi

drift=
for f in core/*.c core/*.h; do
	cmp -s "$f" "$tree/xen/common/xfo/$(basename "$f")" || drift="$drift $f"
done
cmp -s include/xfo.h "$tree/xen/include/public/xfo.h" || drift="$drift include/xfo.h"
if [ -z "$drift" ]; then
	pass "single patch carries core/ and include/xfo.h byte for byte"
else
	fail "single patch carries core/ and include/xfo.h byte for byte" "drift:$drift"
fi
rm -rf "$tree"

# Builds: redone only when the patch or the compiler changed.
tree="$work/single-build"
key="$(sha256sum "$patchfile" | cut -d' ' -f1) $version $(gcc -dumpfullversion 2>/dev/null)"
if [ -f "$tree/.xfo-built" ] && [ "$(cat "$tree/.xfo-built")" = "$key" ] &&
   [ -f "$tree/xen/xen" ]; then
	pass "single-patch tree builds with CONFIG_XFO=y (reused: this patch, sha256 ${key%% *}, built before)"
else
	start=$SECONDS
	if $xb unpack "$tree" orig >"$log" 2>&1 &&
	   (cd "$tree" && patch -p1 -s --batch --forward <"$OLDPWD/$patchfile") >>"$log" 2>&1 &&
	   $xb configure "$tree" >>"$log" 2>&1 &&
	   $xb compile "$tree" >>"$log" 2>&1 &&
	   grep -qx 'CONFIG_XFO=y' "$tree/xen/.config" &&
	   nm "$tree/xen/xen-syms" >"$work/single.nm" &&
	   grep -q ' T do_xfo_op$' "$work/single.nm"; then
		echo "$key" >"$tree/.xfo-built"
		pass "single-patch tree builds with CONFIG_XFO=y ($((SECONDS - start)) s)"
	else
		cat "$log"
		fail "single-patch tree builds with CONFIG_XFO=y" "$(why)"
	fi
fi
