# lib/: libxfo, the userspace library (lib/libxfo.h), on top of core/.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIBXFO   := $(O)/libxfo.a
# What a program linking libxfo also needs: libbpf and libelf for policy
# objects, libxencall for the Xen ops (lib/xen.c).
LIBXFO_LDLIBS := -lbpf -lelf -lz \
		 $(shell pkg-config --libs xencall 2>/dev/null || echo -lxencall)

$(LIBXFO): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

BINS += $(LIBXFO)
