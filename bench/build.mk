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
		-include bench/native_policy.h -D$*=native_$* \
		-DNATIVE_POLICY='"$*"' -c -o $@ $<

# The interpreter as Xen builds it by default: the switch form, under
# retpolines and without jump tables (CONFIG_INDIRECT_THUNK), renamed.
BENCH_XEN_FORM := $(O)/bench/interp_xen_form.o
BENCH_RETPOLINE := $(if $(findstring clang,$(CC)),-mretpoline,\
	-mindirect-branch=thunk -mindirect-branch-register) -fno-jump-tables

$(BENCH_XEN_FORM): core/interp.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BENCH_RETPOLINE) -DXFO_INTERP_SWITCH \
		$(call core_interp_rename,xen_form) -MMD -MP -c -o $@ $<

BENCH_CORE_OBJS := $(O)/bench/bench_core.o $(BENCH_NATIVE) $(BENCH_XEN_FORM) \
	$(LIBXFO) $(CORE_LIB)

$(BENCH_CORE): $(BENCH_CORE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

# The same program with its code moved by a pad linked first: where code
# lands moves nanosecond timings by up to a quarter, so bench-core reports
# the median over these seven layouts and its own (bench/bench_core.c).
# The pads are not multiples of 64, so both the offset in a cache line and
# the higher address bits vary.
BENCH_LAYOUT_PADS := 520 1040 1560 2080 2600 3120 3640
BENCH_LAYOUTS := $(BENCH_LAYOUT_PADS:%=$(O)/bench/layout/bench_core-%)

$(O)/bench/layout/pad-%.o:
	@mkdir -p $(dir $@)
	printf '\t.text\n\t.globl xfo_bench_pad_$*\nxfo_bench_pad_$*:\n\t.skip $*, 0xcc\n\t.section .note.GNU-stack,"",@progbits\n' | \
		$(CC) -c -x assembler -o $@ -

.SECONDARY: $(BENCH_LAYOUT_PADS:%=$(O)/bench/layout/pad-%.o)  # keep them

$(O)/bench/layout/bench_core-%: $(O)/bench/layout/pad-%.o $(BENCH_CORE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(BENCH_CORE)

.PHONY: bench-core
bench-core: $(BENCH_CORE) $(BENCH_LAYOUTS) $(BPF_OBJS)
	$(BENCH_CORE) $(O)/bpf docs/PERFORMANCE.md \
		$(foreach l,$(BENCH_LAYOUTS),--layout $(l))

bench: bench-core
