# cli/: xfoctl, the command-line tool (bpftool style).
XFOCTL_SRCS := $(wildcard cli/*.c)
XFOCTL_OBJS := $(XFOCTL_SRCS:%.c=$(O)/%.o)
XFOCTL      := $(O)/xfoctl

# libxencall, for the Xen commands (lib/xen.c).
ifndef XFO_XEN_LDLIBS
XFO_XEN_LDLIBS := $(shell pkg-config --libs xencall 2>/dev/null || echo -lxencall)
endif

$(XFOCTL): $(XFOCTL_OBJS) $(LIBXFO) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(XFOCTL_OBJS) $(LIBXFO) $(CORE_LIB) \
		$(LIBXFO_LDLIBS) $(XFO_XEN_LDLIBS) $(LDLIBS)

BINS += $(XFOCTL)
