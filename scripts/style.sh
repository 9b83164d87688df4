#!/usr/bin/env bash
# scripts/style.sh: `make style`. Three checks, each over every file of its
# kind, each finding printed as FILE:LINE: and what is wrong:
#   - xen: Xen's CODING_STYLE (scripts/xen-style.py) over core/ and the Xen
#     sources under hypervisor-patch/: its *.c and *.h, and the C lines
#     its patches add;
#   - checkpatch: the kernel's checkpatch.pl (scripts/fetch-checkpatch.sh:
#     Debian's linux-source-6.1, fetched once) over the guest module,
#     guest-agent/kmod and guest-agent/include;
#   - shellcheck: every shell script, *.sh and any file whose first line
#     runs a shell.
# Usage: scripts/style.sh [-C DIR] [xen|checkpatch|shellcheck]...
#   (all three checks when none is named)
#   -C DIR  check the files under DIR as if it were the repository
#           (tests/suites/style-checker.once.sh does, on a tree of bad files)
# Exit status: 0 clean, 1 findings, 2 a check could not run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
tools=$PWD/scripts
if [ "${1:-}" = -C ]; then
	{ [ $# -ge 2 ] && [ -d "$2" ]; } || { echo "style: -C needs a directory" >&2; exit 2; }
	cd "$2" || exit 2
	shift 2
fi

# checkpatch.pl's checks that do not apply here, each with its reason:
#   ENOSYS  Xen answers a hypercall it does not have with -ENOSYS, and the
#           module tells "this Xen has no xfo" by exactly that answer.
CHECKPATCH_IGNORE=ENOSYS

say() { printf 'style: %s\n' "$*" >&2; }

# The repository's files: tracked ones and new ones not ignored, so a
# script is checked before its first commit; outside git, all but build/.
repo_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . -path ./build -prune -o -type f -print | sed 's|^\./||'
	fi | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done
}

check_xen() {
	local files=()
	mapfile -t files < <(repo_files | grep -E '^(core/.*\.[ch]|hypervisor-patch/.*\.([ch]|patch))$')
	[ ${#files[@]} -gt 0 ] || { say "xen: no core/ or hypervisor-patch/ sources found"; return 2; }
	python3 "$tools/xen-style.py" "${files[@]}"
	local rc=$?
	[ $rc -le 1 ] || say "xen: xen-style.py failed (exit $rc)"
	[ $rc -ne 0 ] || say "xen: ${#files[@]} files clean"
	return $rc
}

check_checkpatch() {
	local cp files=() out rc
	cp=$("$tools/fetch-checkpatch.sh") || { say "checkpatch: cannot fetch checkpatch.pl"; return 2; }
	mapfile -t files < <(repo_files | grep -E '^guest-agent/(kmod/[^/]*\.[ch]|include/[^/]*\.h)$')
	[ ${#files[@]} -gt 0 ] || { say "checkpatch: no guest-agent/kmod sources found"; return 2; }
	say "checkpatch: checkpatch.pl of $(cat "$(dirname "$cp")/.version")"
	# -f: whole files, not a patch; --no-tree: no kernel tree around them.
	out=$(perl "$cp" --no-tree -f --terse --show-types --no-summary --quiet \
		--ignore "$CHECKPATCH_IGNORE" "${files[@]}" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	if [ $rc -ne 0 ] && [ -z "$out" ]; then
		say "checkpatch: $cp failed (exit $rc) and said nothing"
		return 2
	fi
	[ $rc -ne 0 ] || say "checkpatch: ${#files[@]} files clean"
	[ $rc -eq 0 ] || return 1
}

check_shellcheck() {
	local files=() f rc
	command -v shellcheck >/dev/null ||
		{ say "shellcheck: not installed (scripts/deps.sh installs it)"; return 2; }
	while read -r f; do
		case $f in
		*.sh) files+=("$f") ;;
		*) head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba|da)?sh\b' && files+=("$f") ;;
		esac
	done < <(repo_files)
	[ ${#files[@]} -gt 0 ] || { say "shellcheck: no shell scripts found"; return 2; }
	# -x -P SCRIPTDIR: follow what a script sources, from its directory.
	printf '%s\0' "${files[@]}" |
		xargs -0 -n 16 -P 2 shellcheck -x -P SCRIPTDIR -f gcc
	rc=$?
	# xargs: 123 when a shellcheck found something, more when one failed.
	case $rc in
	0) say "shellcheck: ${#files[@]} scripts clean" ;;
	123) return 1 ;;
	*) say "shellcheck failed (xargs exit $rc)"; return 2 ;;
	esac
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(xen checkpatch shellcheck)
worst=0
for c in "${checks[@]}"; do
	case $c in
	xen) check_xen ;;
	checkpatch) check_checkpatch ;;
	shellcheck) check_shellcheck ;;
	*) say "unknown check '$c' (xen, checkpatch, shellcheck)"; exit 2 ;;
	esac
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc -eq 1 ] && say "$c: FAILED, findings above"
		[ $rc -gt $worst ] && worst=$rc
	fi
done
exit $worst
