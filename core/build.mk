# core/: built into $(O)/libxfocore.a for userspace. Xen compiles the same
# files through hypervisor-patch/; tests/suites/core-freestanding checks
# they build with nothing but core/private.h.
CORE_SRCS := $(wildcard core/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(O)/%.o)
CORE_LIB  := $(O)/libxfocore.a

# The verifier's files (verifier.c and its verifier_*.c parts), for builds
# that take the verifier without the interpreter.
CORE_VERIFIER_SRCS := $(filter core/verifier%.c,$(CORE_SRCS))

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

# Another build of core/interp.c that links beside libxfocore.a: every
# function it defines gets the suffix _$(1).
core_interp_rename = $(foreach f,xfo_vm_run xfo_vm_run_checked xfo_vm_fuse \
		       xfo_vm_stack_buf,-D$(f)=$(f)_$(1))

# The interpreter in its switch form (what a Xen built with retpolines
# runs; core/interp.c), renamed so that tests can run it beside the
# threaded form: the conformance plugin's --switch, the fuzzer.
CORE_SWITCH_DEFS   := -DXFO_INTERP_SWITCH $(call core_interp_rename,switch)
CORE_INTERP_SWITCH := $(O)/core/interp_switch.o

$(CORE_INTERP_SWITCH): core/interp.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CORE_SWITCH_DEFS) -MMD -MP -c -o $@ $<

# Freestanding objects, for the compile check only.
CORE_FREESTANDING_FLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -nostdinc \
	-fno-builtin -DXFO_CORE_FREESTANDING -Iinclude -Icore

.PHONY: core-freestanding
core-freestanding:
	@for cc in gcc clang; do for f in $(CORE_SRCS); do \
		$$cc $(CORE_FREESTANDING_FLAGS) -c -o /dev/null $$f || exit 1; \
	done; \
	$$cc $(CORE_FREESTANDING_FLAGS) -DXFO_INTERP_SWITCH -c -o /dev/null \
		core/interp.c || exit 1; done

BINS += $(CORE_LIB)
