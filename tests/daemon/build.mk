# tests/daemon/: unit tests of xfod's parts (tests/suites/daemon.sh).
#   config_test   the configuration file and the log
#   rules_test    attach rules, their precedence, state.json
#   store_test    the policy store and the single-instance lock
# The policy the store must refuse is tests/cli's refused.bpf.o.
DAEMON_TESTS     := $(notdir $(basename $(wildcard tests/daemon/*_test.c)))
DAEMON_TEST_BINS := $(DAEMON_TESTS:%=$(O)/tests/daemon/%)

$(O)/tests/daemon/%.o: CFLAGS += -Idaemon $(XFOD_CFLAGS)

$(DAEMON_TEST_BINS): $(O)/tests/daemon/%: $(O)/tests/daemon/%.o $(XFOD_LIB) \
		     $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(XFOD_LDLIBS) $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(DAEMON_TEST_BINS)
