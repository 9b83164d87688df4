# tests/common/: pieces shared by the test runners; check.h, the PASS/FAIL
# lines of the test programs, is header-only.
TEST_COMMON_OBJS := $(O)/tests/common/datafile.o
