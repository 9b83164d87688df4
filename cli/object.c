// SPDX-License-Identifier: MIT
/*
 * Policy objects on the command line: opening FILE and picking its
 * program, for the policy and domain objects.
 */
#include <stdio.h>

#include "libxfo.h"

#include "xfoctl.h"

int open_object(const char *file, bool raw, struct xfo_object **obj)
{
	char err[256] = "";
	int ret;

	if (raw)
		ret = xfo_object__open_raw(file, obj, err, sizeof(err));
	else
		ret = xfo_object__open_file(file, obj, err, sizeof(err));
	if (ret) {
		*obj = NULL;
		/* libxfo's messages already name the file. */
		if (err[0])
			return p_err(XFOCTL_FAIL, "%s", err);
		return p_err(XFOCTL_FAIL, "cannot open '%s': %s", file,
			     errno_name(ret));
	}
	return 0;
}

const struct xfo_program *pick_prog(const struct xfo_object *obj,
				    const char *file, const char *name,
				    const char *help_cmd, int *code)
{
	uint32_t n = xfo_object__prog_cnt(obj), i;
	const struct xfo_program *prog;
	char names[512] = "";
	size_t len = 0;

	for (i = 0; i < n && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
					"%s%s", i ? ", " : "",
					xfo_program__name(xfo_object__prog(obj,
									   i)));
	if (n == 0) {
		*code = p_err(XFOCTL_FAIL, "'%s' holds no programs", file);
		return NULL;
	}
	if (name) {
		prog = xfo_object__find_prog(obj, name);
		if (!prog)
			*code = p_err(XFOCTL_FAIL, "no program '%s' in '%s'; it "
				      "has: %s", name, file, names);
		return prog;
	}
	if (n > 1) {
		*code = p_usage(help_cmd, "'%s' has %u programs, pick one with "
				"--prog: %s", file, n, names);
		return NULL;
	}
	return xfo_object__prog(obj, 0);
}
