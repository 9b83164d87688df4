# core/: built into $(O)/libxfocore.a for userspace. Xen compiles the same
# files through hypervisor-patch/; tests/suites/core-freestanding checks
# they build with nothing but core/private.h.
CORE_SRCS := $(wildcard core/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(O)/%.o)
CORE_LIB  := $(O)/libxfocore.a

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

# Freestanding objects, for the compile check only.
CORE_FREESTANDING_FLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -nostdinc \
	-fno-builtin -DXFO_CORE_FREESTANDING -Iinclude -Icore

.PHONY: core-freestanding
core-freestanding:
	@for cc in gcc clang; do for f in $(CORE_SRCS); do \
		$$cc $(CORE_FREESTANDING_FLAGS) -c -o /dev/null $$f || exit 1; \
	done; done

BINS += $(CORE_LIB)
