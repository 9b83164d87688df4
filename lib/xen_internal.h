/* SPDX-License-Identifier: MIT */
/*
 * lib/xen.c's seam for tests: the four things it asks of libxencall, as a
 * table, so a test can put a fake Xen behind the real request building
 * and check what reaches the hypercall (tests/e2e/xen_test.c). Not part of
 * libxfo's interface.
 */
#ifndef LIBXFO_XEN_INTERNAL_H
#define LIBXFO_XEN_INTERNAL_H

#include <stddef.h>

#include "libxfo.h"

struct xfo_xen_backend {
	/* Memory Xen may read and write during a hypercall; NULL when out of
	 * memory. libxencall: xencall_alloc_buffer(). */
	void *(*alloc)(void *priv, size_t size);
	void (*free)(void *priv, void *p);
	/* HYPERVISOR_xfo_op(cmd, arg): what Xen returned, 0 or a negative
	 * errno. arg is NULL or a buffer from alloc(). */
	int (*op)(void *priv, unsigned int cmd, void *arg);
	/* Called by xfo_xen__close(), or NULL. */
	void (*close)(void *priv);
};

/* A handle on the backend instead of libxencall. */
int xfo_xen__open_backend(struct xfo_xen **x,
			  const struct xfo_xen_backend *backend, void *priv,
			  char *err, size_t err_size);

#endif /* LIBXFO_XEN_INTERNAL_H */
