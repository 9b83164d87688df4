# xfo: one Makefile for everything in userspace. Each part adds its
# targets from its own <part>/build.mk. Output goes to $(O): build/rel by
# default, build/asan for the sanitizer variant (SAN=1) that `make test`
# also runs.
#
#   make            build everything that exists
#   make check      both variants, every suite that needs no Xen build and
#                   no QEMU: the developer's loop, a few minutes
#   make test       both variants, every suite, the lab's included
#   make bench      run the benchmarks (see bench/)
#
# check, test and demo first install what they need (scripts/deps.sh:
# quick when everything is there; DEPS=0 skips it).

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

DEPS    ?= 1
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all check test test-build test-variants deps bench clean demo
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

deps:
ifeq ($(DEPS),1)
	scripts/deps.sh
endif

# Both variants, then the suites in tests/suites/ against each.
test-variants: deps
	$(MAKE) --no-print-directory -j$(JOBS) O=build/rel SAN=0 test-build
	$(MAKE) --no-print-directory -j$(JOBS) O=build/asan SAN=1 test-build

# The verifier's fuzzer gets 20 s here rather than the 60 s of `make test`.
check: test-variants
	FUZZ_TIME=$${FUZZ_TIME:-20} tests/run-tests.sh --tier check build/rel build/asan

test: test-variants
	tests/run-tests.sh --tier all build/rel build/asan

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

clean:
	rm -rf build

-include $(shell find $(O) -name '*.d' 2>/dev/null)

demo: deps
	$(MAKE) --no-print-directory all
	scripts/demo.sh $(O)
