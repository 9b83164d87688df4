# bpf/: the example policies, built with clang into $(O)/bpf/<name>.bpf.o.
#
# -mcpu=v3: clang 14 then uses JMP32 and ALU32 (w registers) besides the
# v1/v2 instructions; all of it is in RFC 9669, which the xfo verifier and
# interpreter implement, and it gives shorter code than v2's 64-bit-only
# compares with shifts for zero extension. v3 also lets clang emit atomic
# instructions for __sync_* builtins; the policies do not use them (map
# values are only reached through helpers). v4 (clang 17+) is not needed.
# -g is required: libbpf reads the BTF-defined maps in .maps from .BTF.
BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:%.bpf.c=$(O)/%.bpf.o)
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -Wall -Wextra -Werror \
	      -Wno-unused-parameter -I include -I bpf

$(O)/bpf/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c -o $@ $<

BINS += $(BPF_OBJS)
