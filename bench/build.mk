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

# The interpreter as Xen builds it by default: the switch form, under
# retpolines and without jump tables (CONFIG_INDIRECT_THUNK), renamed.
BENCH_XEN_FORM := $(O)/bench/interp_xen_form.o
BENCH_RETPOLINE := $(if $(findstring clang,$(CC)),-mretpoline,\
	-mindirect-branch=thunk -mindirect-branch-register) -fno-jump-tables

$(BENCH_XEN_FORM): core/interp.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BENCH_RETPOLINE) -DXFO_INTERP_SWITCH \
		$(call core_interp_rename,xen_form) -MMD -MP -c -o $@ $<

$(BENCH_CORE): $(O)/bench/bench_core.o $(BENCH_NATIVE) $(BENCH_XEN_FORM) \
	       $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(BENCH_CORE)

.PHONY: bench-core
bench-core: $(BENCH_CORE) $(BPF_OBJS)
	$(BENCH_CORE) $(O)/bpf docs/PERFORMANCE.md

bench: bench-core
