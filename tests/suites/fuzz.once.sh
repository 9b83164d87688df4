#!/usr/bin/env bash
# Fuzzes the verifier for FUZZ_TIME seconds (60 by default), seeded with
# the accepted verifier tests. Any broken invariant aborts the fuzzer; its
# reproducer is kept in build/fuzz/.
set -u
build=$1
time=${FUZZ_TIME:-60}
fuzzer=build/fuzz/fuzz_verifier
corpus=build/fuzz/corpus

rm -rf "$corpus" && mkdir -p "$corpus"
if ! "$build/tests/fuzz/make_seeds" "$corpus" tests/verifier/accept/*.data; then
	echo "FAIL fuzz/seeds: could not assemble the seed programs"
	exit 1
fi

if "$fuzzer" -max_total_time="$time" -timeout=10 -rss_limit_mb=4096 \
	-artifact_prefix=build/fuzz/ -print_final_stats=1 "$corpus" \
	>build/fuzz/fuzz.log 2>&1; then
	grep -E '^stat::(number_of_executed_units|new_units_added)' build/fuzz/fuzz.log
	echo "PASS fuzz/verifier_${time}s"
else
	tail -n 40 build/fuzz/fuzz.log
	echo "FAIL fuzz/verifier_${time}s: invariant broken, see build/fuzz/fuzz.log"
	exit 1
fi
