# tests/e2e/: programs for the Xen path.
#   xfo_probe   run in dom0 (or a domU, for `eperm`) by the lab's end-to-end
#               test: hot swap, malformed ops, EPERM, a page-fault workload
#   xen_test    offline: lib/xen.c's requests against a fake Xen
#               (tests/suites/cli-xen.sh)
#   fake_xencall.so  offline: a fake libxencall and xfo hypercall that
#               cli-xen.sh preloads into xfoctl and xfo_probe; built
#               without sanitizers (the suite tells ASan it comes first)
#   handshake_test   offline: lib/guest_handshake.c's parsing and checks
#   fake_xenstore.so offline: a fake libxenstore for xfoctl domain
#               connect/disconnect (tests/suites/guest-handshake.sh)
# Both are linked dynamically, like xfoctl: the lab copies them with the
# libraries ldd names into dom0's initramfs.

XFO_PROBE := $(O)/tests/e2e/xfo_probe
XEN_TEST  := $(O)/tests/e2e/xen_test

$(XFO_PROBE): $(O)/tests/e2e/xfo_probe.o $(TEST_COMMON_OBJS) $(LIBXFO) \
	      $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(XEN_TEST): $(O)/tests/e2e/xen_test.o $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

FAKE_XENCALL      := $(O)/tests/e2e/fake_xencall.so
FAKE_XENCALL_SRCS := tests/e2e/fake_xencall.c $(CORE_VERIFIER_SRCS) \
		     core/log.c core/disasm.c core/helpers.c

$(FAKE_XENCALL): $(FAKE_XENCALL_SRCS) include/xfo.h $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -fvisibility=hidden -O2 -std=gnu11 $(WARN) \
		-Iinclude -Icore -D_GNU_SOURCE -Wl,--no-undefined -o $@ \
		$(FAKE_XENCALL_SRCS)

HANDSHAKE_TEST := $(O)/tests/e2e/handshake_test
FAKE_XENSTORE  := $(O)/tests/e2e/fake_xenstore.so

$(HANDSHAKE_TEST): $(O)/tests/e2e/handshake_test.o $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(FAKE_XENSTORE): tests/e2e/fake_xenstore.c include/io/xfo.h
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -fvisibility=hidden -O2 -std=gnu11 $(WARN) \
		-Iinclude -D_GNU_SOURCE -Wl,--no-undefined -o $@ $<

BINS      += $(XFO_PROBE)
TEST_BINS += $(XEN_TEST) $(FAKE_XENCALL) $(HANDSHAKE_TEST) $(FAKE_XENSTORE)

# The end-to-end test of the guest side in the QEMU lab (issue 4); `make
# test` runs it too, as tests/suites/guest-e2e.once.sh.
.PHONY: guest-e2e
guest-e2e:
	tests/suites/guest-e2e.once.sh build/rel
