# guest-agent/: what runs inside a PV domU (docs/guest.md).
#
#   make guest        xfo_guest.ko (fetching Debian's headers for the lab's
#                     guest kernel when needed) and the userspace below
#   make guest-kmod   the module alone: build/guest/kmod/xfo_guest.ko
#
# Userspace, in $(O) with the rest:
#   guest-agent/xfo-agent           status and run
#   guest-agent/libxfo_preload.so   the LD_PRELOAD shim (no sanitizers:
#                                   it is preloaded into other programs)
#   tests/guest/touch_region, map_unmap_loop, region_edges   static, for the domU
#   tests/guest/shim_workload       dynamic (LD_PRELOAD needs it)
#   tests/guest/shim_test, agent_test          host unit tests
# `make` and the test build include the module only when the headers are
# already unpacked (build/guest/headers); tests/suites/guest-build.once.sh
# fetches them.

GUEST_INC      := -Iguest-agent/include -Iguest-agent/shim -Iguest-agent/agent
GUEST_AGENT    := $(O)/guest-agent/xfo-agent
GUEST_SHIM     := $(O)/guest-agent/libxfo_preload.so
GUEST_WORKLOADS := $(O)/tests/guest/touch_region $(O)/tests/guest/map_unmap_loop \
		   $(O)/tests/guest/region_edges
GUEST_SHIM_WL  := $(O)/tests/guest/shim_workload
GUEST_TESTS    := $(O)/tests/guest/shim_test $(O)/tests/guest/agent_test
GUEST_HDRS     := include/xfo.h include/io/xfo.h include/io/xfo_areas.h \
		  guest-agent/include/xfo_guest.h
# Without sanitizers, whatever the variant: the shim is loaded into other
# programs, the workloads run in the domU (static ones cannot have ASan).
GUEST_PLAIN_CFLAGS := -O2 -g -std=gnu11 $(WARN) -Iinclude $(GUEST_INC) -D_GNU_SOURCE

$(O)/guest-agent/%.o $(O)/tests/guest/%.o: CFLAGS += $(GUEST_INC)

$(GUEST_AGENT): $(O)/guest-agent/agent/main.o $(O)/guest-agent/agent/format.o \
		$(O)/guest-agent/shim/decide.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(GUEST_SHIM): guest-agent/shim/preload.c guest-agent/shim/decide.c \
	       guest-agent/shim/decide.h guest-agent/shim/xfo_preload.h $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -fvisibility=hidden $(GUEST_PLAIN_CFLAGS) \
		-Wl,--no-undefined -o $@ guest-agent/shim/preload.c \
		guest-agent/shim/decide.c -ldl

$(O)/tests/guest/%: tests/guest/%.c tests/guest/xfo_stats.h $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -static $(GUEST_PLAIN_CFLAGS) -o $@ $<

$(GUEST_SHIM_WL): tests/guest/shim_workload.c guest-agent/shim/xfo_preload.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_PLAIN_CFLAGS) -o $@ $< -ldl

$(O)/tests/guest/shim_test: $(O)/tests/guest/shim_test.o $(O)/guest-agent/shim/decide.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/guest/agent_test: $(O)/tests/guest/agent_test.o \
			     $(O)/guest-agent/agent/format.o $(O)/guest-agent/shim/decide.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

BINS      += $(GUEST_AGENT) $(GUEST_SHIM) $(GUEST_WORKLOADS) $(GUEST_SHIM_WL)
TEST_BINS += $(GUEST_TESTS)

.PHONY: guest guest-kmod guest-kmod-offline
guest-kmod:
	guest-agent/kmod/build.sh

guest-kmod-offline:
	guest-agent/kmod/build.sh --offline

guest: guest-kmod $(GUEST_AGENT) $(GUEST_SHIM) $(GUEST_WORKLOADS) $(GUEST_SHIM_WL)

ifneq ($(wildcard build/guest/headers/.xfo-headers),)
all: guest-kmod-offline
test-build: guest-kmod-offline
endif

# The guest side in a PV domU of the QEMU lab (docs/guest.md, "Tests").
.PHONY: guest-lab
guest-lab:
	tests/guest/lab-run.sh $(if $(LAB_XEN),--xen $(LAB_XEN))
