// SPDX-License-Identifier: MIT
/* Bad: maps but no program at all. */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(table, __u64, 4);
