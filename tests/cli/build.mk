# tests/cli/: xfoctl's and lib/runner.c's tests (tests/suites/cli.sh).
#   json_check    strict JSON validator and value picker (no python, no jq)
#   asm2raw       assembles test programs into --raw bytecode
#   runner_test   unit tests of the runner and its helpers
#   cmd_test      unit tests of xfoctl's command and option matching
CLI_TEST_TOOLS := json_check asm2raw runner_test cmd_test
CLI_TEST_BINS  := $(CLI_TEST_TOOLS:%=$(O)/tests/cli/%)

$(O)/tests/cli/json_check: $(O)/tests/cli/json_check.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/cli/asm2raw: $(O)/tests/cli/asm2raw.o $(TEST_COMMON_OBJS) \
			 $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(O)/tests/cli/runner_test: $(O)/tests/cli/runner_test.o $(TEST_COMMON_OBJS) \
			     $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(O)/tests/cli/cmd_test: $(O)/tests/cli/cmd_test.o $(O)/cli/cmd.o \
			 $(O)/cli/json_writer.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/cli/cmd_test.o: CFLAGS += -Icli

# Policies of the CLI tests: several programs in one object, a refused one.
CLI_TEST_BPF := $(patsubst tests/cli/src/%.bpf.c,$(O)/tests/cli/%.bpf.o,\
		$(wildcard tests/cli/src/*.bpf.c))

$(O)/tests/cli/%.bpf.o: tests/cli/src/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c -o $@ $<

TEST_BINS += $(CLI_TEST_BINS) $(CLI_TEST_BPF)
