# tests/common/: pieces shared by the test programs: datafile.c reads the
# .data format, asm.c assembles test programs (asm.h); check.h, the
# PASS/FAIL lines of the test programs, is header-only.
TEST_COMMON_OBJS := $(O)/tests/common/datafile.o $(O)/tests/common/asm.o
