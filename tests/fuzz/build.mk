# tests/fuzz/: the libFuzzer harness for the verifier and interpreters.
# Built with clang whatever CC is; `make fuzz-long FUZZ_TIME=3600` runs
# it for longer than the 60 s the test suite gives it.
FUZZ_DIR      := build/fuzz
FUZZ_VERIFIER := $(FUZZ_DIR)/fuzz_verifier
FUZZ_SEEDS    := $(O)/tests/fuzz/make_seeds
FUZZ_SRCS     := tests/fuzz/fuzz_verifier.c $(CORE_SRCS) lib/runner.c \
		 lib/verify.c lib/err.c
FUZZ_TIME     ?= 3600

FUZZ_CFLAGS   := -std=gnu11 -O1 -g $(WARN) -Iinclude -Icore -Ilib \
		 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SWITCH   := $(FUZZ_DIR)/interp_switch.o

$(FUZZ_SWITCH): core/interp.c $(wildcard core/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(CORE_SWITCH_DEFS) -c -o $@ $<

$(FUZZ_VERIFIER): $(FUZZ_SRCS) $(FUZZ_SWITCH) \
		  $(wildcard core/*.h lib/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) $(FUZZ_SWITCH)

$(FUZZ_SEEDS): $(O)/tests/fuzz/make_seeds.o $(TEST_COMMON_OBJS) $(LIBXFO) \
	       $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(FUZZ_VERIFIER) $(FUZZ_SEEDS)

.PHONY: fuzz-long
fuzz-long: $(FUZZ_VERIFIER) $(FUZZ_SEEDS)
	FUZZ_TIME=$(FUZZ_TIME) tests/suites/fuzz.once.sh $(O)
