# lib/: libxfo, the userspace library (lib/libxfo.h), on top of core/.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIBXFO   := $(O)/libxfo.a
# What a program linking libxfo also needs.
LIBXFO_LDLIBS := -lbpf -lelf -lz

$(LIBXFO): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

BINS += $(LIBXFO)
