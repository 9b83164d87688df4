# lib/: libxfo, the userspace library (lib/libxfo.h), on top of core/.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIBXFO   := $(O)/libxfo.a
# What a program linking libxfo also needs: libbpf and libelf for policy
# objects, libxencall for the Xen ops (lib/xen.c), libxenstore for the
# guest handshake (lib/guest_handshake.c).
LIBXFO_LDLIBS := -lbpf -lelf -lz \
		 $(shell pkg-config --libs xencall 2>/dev/null || echo -lxencall) \
		 $(shell pkg-config --libs xenstore 2>/dev/null || echo -lxenstore)

# Made anew each time, so that no object of a file that left lib/ stays.
$(LIBXFO): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

BINS += $(LIBXFO)
