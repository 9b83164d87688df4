#!/usr/bin/env bash
# tests/mutants/run.sh: `make mutants`. Applies each mutation of a list
# (tests/mutants/mutants.list by default) to a scratch copy of the tree,
# one at a time, builds the rel variant there and runs the mutation's
# suites. A mutation is "killed" when one of them fails (a FAIL line or a
# non-zero exit) and "SURVIVED" when all pass: then the suites cannot tell
# that code from the real one, and the run fails. Not part of `make test`.
#
# The copy is build/mutants/tree: the working tree's files (tracked and
# new, as they are now, edits included), never the working tree itself.
# A mutation whose text no longer occurs exactly once in its file fails the
# run too, so that the list cannot rot unseen. Before any mutation the
# unmutated copy must pass every suite the list names.
# Logs: build/mutants/logs/.
#
# Usage: tests/mutants/run.sh [LIST]
# Exit status: 0 every mutation killed, 1 a survivor or an error, 2 usage.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
list=${1:-tests/mutants/mutants.list}
[ -f "$list" ] || { echo "mutants: no list '$list'" >&2; exit 2; }
list=$(realpath "$list")

scratch=$top/build/mutants
tree=$scratch/tree
logs=$scratch/logs
jobs=${JOBS:-2}

say() { printf 'mutants: %s\n' "$*"; }

# ---- The list: one entry per mutant, fields in parallel arrays. ----
names=() files=() finds=() replaces=() suites=()
parse_list() {
	local line key value lineno=0 n=-1
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in '' | '#'*) continue ;; esac
		key=${line%% *}
		value=${line#"$key"}
		value=${value#"${value%%[! ]*}"}	# leading blanks
		value=${value%"${value##*[! ]}"}	# trailing blanks
		if [ "$key" = mutant ]; then
			n=$((n + 1))
			names[n]=$value files[n]='' finds[n]='' replaces[n]='' suites[n]=''
			continue
		fi
		if [ $n -lt 0 ]; then
			say "$list:$lineno: '$key' before any 'mutant' line" >&2
			return 1
		fi
		case $key in
		file) files[n]=$value ;;
		find) finds[n]=$value ;;
		replace) replaces[n]=$value ;;
		suites) suites[n]=$value ;;
		*) say "$list:$lineno: unknown key '$key'" >&2; return 1 ;;
		esac
	done <"$list"
	for ((i = 0; i <= n; i++)); do
		if [ -z "${files[i]}" ] || [ -z "${finds[i]}" ] ||
		   [ -z "${suites[i]}" ]; then
			say "$list: mutant '${names[i]}' needs file, find and suites" >&2
			return 1
		fi
	done
	[ $n -ge 0 ] || { say "$list: no mutants" >&2; return 1; }
}
parse_list || exit 1

# ---- The scratch copy. ----
copy_tree() {
	# Its build/ stays, so a run rebuilds only what changed since the last.
	mkdir -p "$tree" "$logs" || return 1
	find "$tree" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} + ||
		return 1
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -f "$f" ] && printf '%s\0' "$f"
		done | tar -cf - --null -T - | tar -xf - -C "$tree" || return 1
	# Shared test data sits beside the repository (the conformance suite).
	if [ -d ../shared ]; then
		ln -sfn "$(realpath ../shared)" "$scratch/shared" || return 1
	fi
}

build_copy() {
	make -C "$tree" --no-print-directory -j"$jobs" O=build/rel SAN=0 \
		mutants-bins >"$logs/$1-build.log" 2>&1
}

# run_suite SUITE LOG: status 0 when the suite passes in the copy. A crash
# is noted in the log (bash's own report would go to the terminal).
run_suite() {
	local rc
	{ (cd "$tree" && exec "tests/suites/$1.sh" build/rel) >"$2" 2>&1; } 2>/dev/null
	rc=$?
	[ $rc -le 128 ] || echo "mutants: $1 died of signal $((rc - 128))" >>"$2"
	[ $rc -eq 0 ] && ! grep -q '^FAIL ' "$2"
}

# Occurrences of the literal text $2 in file $1.
count_text() {
	local content rest
	content=$(<"$1")
	rest=${content//"$2"/}
	echo $(((${#content} - ${#rest}) / ${#2}))
}

say "copying the tree to $tree"
copy_tree || { say "could not copy the tree"; exit 1; }
say "building the unmutated copy"
build_copy baseline || { say "the unmutated copy does not build: $logs/baseline-build.log"; exit 1; }

# Every suite named, once: the unmutated copy must pass each.
read -r -a all_suites <<<"$(printf '%s\n' "${suites[@]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
for suite in "${all_suites[@]}"; do
	if [ ! -x "$tree/tests/suites/$suite.sh" ]; then
		say "no suite tests/suites/$suite.sh (named in $list)"
		exit 1
	fi
	if ! run_suite "$suite" "$logs/baseline-$suite.log"; then
		say "the unmutated copy fails $suite ($logs/baseline-$suite.log): mutants would show nothing"
		exit 1
	fi
	if ! grep -q '^PASS ' "$logs/baseline-$suite.log"; then
		say "$suite passes nothing in the unmutated copy ($logs/baseline-$suite.log): it cannot kill a mutant"
		exit 1
	fi
done

killed=0 survived=0 broken=0
for i in "${!names[@]}"; do
	name=${names[i]} file=${files[i]} find=${finds[i]} repl=${replaces[i]}
	path=$tree/$file
	if [ ! -f "$path" ]; then
		echo "BROKEN $name: no file $file"
		broken=$((broken + 1))
		continue
	fi
	n=$(count_text "$path" "$find")
	if [ "$n" -ne 1 ]; then
		echo "BROKEN $name: '$find' occurs $n times in $file, not once: update $list"
		broken=$((broken + 1))
		continue
	fi
	cp -p "$path" "$scratch/original" || exit 1
	content=$(<"$path")
	printf '%s\n' "${content/"$find"/"$repl"}" >"$path"
	if ! build_copy "$name"; then
		echo "BROKEN $name: the mutated copy does not build ($logs/$name-build.log)"
		broken=$((broken + 1))
	else
		killers=() passers=()
		read -r -a mutant_suites <<<"${suites[i]}"
		for suite in "${mutant_suites[@]}"; do
			log=$logs/$name-$suite.log
			if run_suite "$suite" "$log"; then
				passers+=("$suite")
			else
				killers+=("$suite")
			fi
		done
		if [ ${#killers[@]} -gt 0 ]; then
			log=$logs/$name-${killers[0]}.log
			first=$(grep -h -m 1 -e '^FAIL ' -e '^mutants: ' "$log")
			echo "killed $name: by ${killers[*]}${passers[*]:+ (not by ${passers[*]})}"
			echo "  ${killers[0]}: ${first:-exited non-zero}"
			killed=$((killed + 1))
		else
			echo "SURVIVED $name: ${suites[i]} all passed"
			survived=$((survived + 1))
		fi
	fi
	# Back to the original text, with a new time stamp so make rebuilds.
	cat "$scratch/original" >"$path"
done
# Leave the copy built as it was, for the next run's incremental build.
build_copy restore || say "the restored copy does not build ($logs/restore-build.log)"

summary="$killed killed, $survived survived"
[ $broken -eq 0 ] || summary+=", $broken broken (not applied or not built)"
echo "$summary"
[ $survived -eq 0 ] && [ $broken -eq 0 ]
