# tests/verifier/: table-driven verifier tests (errors/ and accept/).
VERIFIER_TESTS := $(O)/tests/verifier/verifier_tests

$(VERIFIER_TESTS): $(O)/tests/verifier/verifier_tests.o $(TEST_COMMON_OBJS) \
		   $(LIBXFO) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXFO_LDLIBS) $(LDLIBS)

TEST_BINS += $(VERIFIER_TESTS)
