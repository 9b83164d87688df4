// SPDX-License-Identifier: MIT
/*
 * xfo_bytecode__verify(): the core verifier, the one Xen runs, with its
 * workspace allocated here and its log in the caller's buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libxfo.h"

int xfo_bytecode__verify(const struct xfo_bytecode *prog, char *log,
			 size_t log_size, uint32_t log_level,
			 struct xfo_verifier_stats *stats)
{
	struct xfo_log xlog;
	size_t ws_size;
	void *ws;
	int ret;

	if (log && log_size)
		log[0] = '\0';
	if (!log || !log_size) {
		log = NULL;
		log_size = 0;
		log_level = 0;
	}
	/* struct xfo_log counts in 32 bits; a larger buffer is not cut short
	 * of anything the verifier can write. */
	if (log_size > UINT32_MAX)
		log_size = UINT32_MAX;
	xfo_log_init(&xlog, log, log_size, log_level);
	if (!prog)
		return -EINVAL;

	ws_size = xfo_verifier_workspace_size(prog->insn_cnt);
	ws = calloc(1, ws_size ? ws_size : 1);
	if (!ws) {
		xfo_log_printf(&xlog, "cannot allocate %lu bytes of verifier "
			       "workspace\n", (unsigned long)ws_size);
		return -ENOMEM;
	}
	ret = xfo_verify(prog, ws, ws_size, &xlog, stats);
	free(ws);
	return ret;
}
