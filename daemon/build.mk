# daemon/: xfod, the daemon in dom0 (docs/daemon.md). Its parts go into
# $(O)/daemon/libxfod.a, for the unit tests in tests/daemon/.
XFOD_SRCS     := $(wildcard daemon/*.c)
XFOD_LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(filter-out daemon/xfod.c,$(XFOD_SRCS)))
XFOD_LIB      := $(O)/daemon/libxfod.a

XFOD_PKGS     := inih jansson libcrypto
XFOD_CFLAGS   := $(shell pkg-config --cflags $(XFOD_PKGS) 2>/dev/null)
# What a program linking libxfod.a needs besides libxfo.
XFOD_LDLIBS   := $(shell pkg-config --libs $(XFOD_PKGS) 2>/dev/null || \
		   echo -linih -ljansson -lcrypto)

$(O)/daemon/%.o: CFLAGS += $(XFOD_CFLAGS)

$(XFOD_LIB): $(XFOD_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
