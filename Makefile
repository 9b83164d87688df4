# xfo: one Makefile for everything in userspace. Each part adds its
# targets from its own <part>/build.mk. Output goes to $(O): build/rel by
# default, build/asan for the sanitizer variant (SAN=1) that `make test`
# also runs.
#
#   make            build everything that exists
#   make test       build both variants and run every test
#   make bench      run the benchmarks (see bench/)

O       ?= build/rel
SAN     ?= 0
CC      ?= gcc
CLANG   ?= clang

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) -Iinclude -Icore -Ilib -D_GNU_SOURCE
# gcc only: cutting text to fit a snprintf buffer is intended.
CFLAGS   += $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
LDFLAGS  ?=
LDLIBS   ?=

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
CFLAGS   += $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)
endif

.PHONY: all test test-build bench clean demo
all:

# Parts register their outputs in these:
#   BINS        programs built by `make`
#   TEST_BINS   programs the test suites need (built by `make test`)
BINS      :=
TEST_BINS :=

# Libraries and policies first: the other parts name them in prerequisites.
BASE_PARTS := core/build.mk lib/build.mk bpf/build.mk tests/common/build.mk
include $(BASE_PARTS)
include $(filter-out $(BASE_PARTS),$(sort $(wildcard */build.mk */*/build.mk)))

all: $(BINS)

test-build: $(BINS) $(TEST_BINS)

# Both variants, then every suite in tests/suites/ against each.
test:
	$(MAKE) --no-print-directory O=build/rel SAN=0 test-build
	$(MAKE) --no-print-directory O=build/asan SAN=1 test-build
	tests/run-tests.sh build/rel build/asan

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

clean:
	rm -rf build

-include $(shell find $(O) -name '*.d' 2>/dev/null)

demo: all
	scripts/demo.sh $(O)
