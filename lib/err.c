// SPDX-License-Identifier: MIT
/* lib/err.c: the error message convention of libxfo (libxfo_internal.h). */
#include <stdarg.h>
#include <stdio.h>

#include "libxfo_internal.h"

void xfo_set_err(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}
