# tests/verdict/: xfo_verdict_applies() against a table of faults, one
# .data file each, in xfoctl's --ctx syntax (cli/fault_ctx.c, which needs
# cli/cmd.c's number parser).
VERDICT_TEST := $(O)/tests/verdict/verdict_test

$(VERDICT_TEST): $(O)/tests/verdict/verdict_test.o $(O)/cli/fault_ctx.o \
		 $(O)/cli/cmd.o $(O)/cli/json_writer.o $(TEST_COMMON_OBJS) \
		 $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

$(O)/tests/verdict/verdict_test.o: CFLAGS += -Icli

TEST_BINS += $(VERDICT_TEST)
