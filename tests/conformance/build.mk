# tests/conformance/: the eBPF conformance suite (../shared/conformance) run
# against the core interpreter through xfo-conformance-plugin, by a runner
# of our own that also serves tests/interp/ (see tests/suites/interp.sh).
CONFORMANCE_PLUGIN := $(O)/xfo-conformance-plugin
CONFORMANCE_RUNNER := $(O)/tests/conformance/xfo-conformance-runner

$(CONFORMANCE_PLUGIN): $(O)/tests/conformance/plugin.o $(CORE_INTERP_SWITCH) \
		       $(LIBXFO) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(CONFORMANCE_RUNNER): $(O)/tests/conformance/runner.o $(TEST_COMMON_OBJS) \
		       $(LIBXFO) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(CONFORMANCE_PLUGIN) $(CONFORMANCE_RUNNER)
