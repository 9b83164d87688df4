# daemon/: xfod, the daemon in dom0 (docs/daemon.md).
#
# Everything but xfod.c goes into $(O)/daemon/libxfod.a too, for the unit
# tests in tests/daemon/. libsystemd is optional: without it xfod sends no
# readiness notification.
XFOD_SRCS     := $(wildcard daemon/*.c)
XFOD_LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(filter-out daemon/xfod.c,$(XFOD_SRCS)))
XFOD_LIB      := $(O)/daemon/libxfod.a
XFOD          := $(O)/xfod

XFOD_PKGS     := inih jansson libcrypto
XFOD_SYSTEMD  := $(shell pkg-config --exists libsystemd 2>/dev/null && echo 1)
ifeq ($(XFOD_SYSTEMD),1)
XFOD_PKGS     += libsystemd
$(O)/daemon/xfod.o: CFLAGS += -DXFOD_HAVE_SYSTEMD
endif
XFOD_CFLAGS   := $(shell pkg-config --cflags $(XFOD_PKGS) 2>/dev/null)
# What a program linking libxfod.a needs besides libxfo.
XFOD_LDLIBS   := $(shell pkg-config --libs $(XFOD_PKGS) 2>/dev/null || \
		   echo -linih -ljansson -lcrypto)

$(O)/daemon/%.o: CFLAGS += $(XFOD_CFLAGS)

$(XFOD_LIB): $(XFOD_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(XFOD): $(O)/daemon/xfod.o $(XFOD_LIB) $(LIBXFO) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(XFOD_LDLIBS) $(LIBXFO_LDLIBS) $(LDLIBS)

BINS += $(XFOD)
