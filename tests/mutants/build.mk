# tests/mutants/: `make mutants` applies each mutation of
# tests/mutants/mutants.list to a scratch copy of the tree (build/mutants/)
# and shows that a suite fails for each (tests/mutants/run.sh). Not part of
# `make test` or `make check`: it rebuilds the core once per mutation.
.PHONY: mutants mutants-bins

# What the suites the mutations name need; run.sh builds it in the copy.
# A recipe, not prerequisites: parts included after this one define some.
mutants-bins:
	$(MAKE) --no-print-directory $(VERIFIER_TESTS) $(CONFORMANCE_PLUGIN) \
		$(CONFORMANCE_RUNNER) $(BENCH_CORE) $(BPF_OBJS)

mutants: deps
	tests/mutants/run.sh
