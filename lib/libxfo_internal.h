/* SPDX-License-Identifier: MIT */
/*
 * What the files of lib/ share and libxfo's users do not see (libxfo.h
 * is the interface), in the manner of libbpf's libbpf_internal.h.
 */
#ifndef LIBXFO_INTERNAL_H
#define LIBXFO_INTERNAL_H

#include <stddef.h>

/* Formats a message into the caller's err[err_size], the convention of
 * every libxfo call that can fail; nothing when err is NULL or empty. */
void xfo_set_err(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
