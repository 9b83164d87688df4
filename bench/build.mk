# bench/: `make bench` runs every benchmark: `make bench-core` the core's,
# `make bench-lab` the lab's (bench/lab/run.sh: native Linux, stock Xen and
# xfo in QEMU). Each rewrites its own section of docs/PERFORMANCE.md
# (bench/lab/splice.py). Not part of `make test`, whose bench-lab suite
# runs only a one-round smoke: timings are not test results.
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
	$(BENCH_CORE) $(O)/bpf $(O)/bench/core.md \
		$(foreach l,$(BENCH_LAYOUTS),--layout $(l))
	python3 bench/lab/splice.py docs/PERFORMANCE.md core $(O)/bench/core.md

# The lab's workloads, static for every image, and fault_around at each
# page count the benchmark compares.
BENCH_LAB_WORKLOAD := $(O)/bench/lab/xfo-bench
BENCH_FAULT_AROUND := 1 4 8 16
BENCH_LAB_BPF := $(BENCH_FAULT_AROUND:%=$(O)/bench/lab/fault_around_%.bpf.o)

$(BENCH_LAB_WORKLOAD): bench/lab/xfo_bench.c guest-agent/include/xfo_guest.h
	@mkdir -p $(dir $@)
	$(CC) -static -pthread $(GUEST_PLAIN_CFLAGS) -o $@ $<

$(O)/bench/lab/fault_around_%.bpf.o: bpf/fault_around.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DFAULT_AROUND_PAGES=$* -c -o $@ $<

.PHONY: bench-lab bench-lab-build
bench-lab-build: $(BENCH_LAB_WORKLOAD) $(BENCH_LAB_BPF) $(XFOCTL) $(BPF_OBJS) \
		 $(O)/tests/e2e/xfo_probe
bench-lab:
	bench/lab/run.sh

TEST_BINS += $(BENCH_LAB_WORKLOAD) $(BENCH_LAB_BPF)

bench: bench-core bench-lab
