# tests/common/: pieces shared by the test runners.
TEST_COMMON_OBJS := $(O)/tests/common/datafile.o
