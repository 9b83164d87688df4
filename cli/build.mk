# cli/: xfoctl, the command-line tool (bpftool style).
XFOCTL_SRCS := $(wildcard cli/*.c)
XFOCTL_OBJS := $(XFOCTL_SRCS:%.c=$(O)/%.o)
XFOCTL      := $(O)/xfoctl


$(XFOCTL): $(XFOCTL_OBJS) $(LIBXFO) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(XFOCTL_OBJS) $(LIBXFO) $(CORE_LIB) \
		$(LIBXFO_LDLIBS) $(LDLIBS)

BINS += $(XFOCTL)
