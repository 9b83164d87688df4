# bench/: `make bench` runs every benchmark; `make bench-core` the core's,
# writing docs/PERFORMANCE.md. Not part of `make test`: timings are not
# test results.
BENCH_CORE    := $(O)/bench/bench_core
BENCH_POLICIES := bounce_all zero_fill fault_around region_quota counting
BENCH_NATIVE  := $(BENCH_POLICIES:%=$(O)/bench/native/%.o)

# The policies' own sources, compiled as native C for the baseline.
$(O)/bench/native/%.o: bpf/%.bpf.c bench/native_policy.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-variable -Wno-missing-prototypes -Ibpf \
		-include bench/native_policy.h -D$*=native_$* -c -o $@ $<

$(BENCH_CORE): $(O)/bench/bench_core.o $(BENCH_NATIVE) $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(BENCH_CORE)

.PHONY: bench-core
bench-core: $(BENCH_CORE) $(BPF_OBJS)
	$(BENCH_CORE) $(O)/bpf docs/PERFORMANCE.md

bench: bench-core
