# tests/elf/: the policy object loader against good and malformed objects.
#
# gen-bad-elf corrupts a valid policy into one object per mistake (at test
# time, see tests/suites/elf.sh); src/*.bpf.c are small policies that are
# wrong in ways corruption cannot express (a hash map, a bpf-to-bpf call,
# global data...) or right in ways the examples do not cover (two programs).
ELF_TEST_DIR  := $(O)/tests/elf
ELF_GEN       := $(ELF_TEST_DIR)/gen-bad-elf
ELF_TEST      := $(ELF_TEST_DIR)/elf-test
ELF_TEST_SRCS := $(wildcard tests/elf/src/*.bpf.c)
ELF_TEST_OBJS := $(ELF_TEST_SRCS:tests/elf/src/%.bpf.c=$(ELF_TEST_DIR)/%.bpf.o) \
		 $(ELF_TEST_DIR)/nobtf.bpf.o

$(ELF_GEN): $(ELF_TEST_DIR)/gen-bad-elf.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(ELF_TEST): $(ELF_TEST_DIR)/elf-test.o $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(ELF_TEST_DIR)/%.bpf.o: tests/elf/src/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c -o $@ $<

# A policy with maps but without -g, so without the BTF maps need.
$(ELF_TEST_DIR)/nobtf.bpf.o: bpf/region_quota.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(filter-out -g,$(BPF_CFLAGS)) -MMD -MP -c -o $@ $<

TEST_BINS += $(ELF_GEN) $(ELF_TEST) $(ELF_TEST_OBJS)
