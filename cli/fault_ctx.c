// SPDX-License-Identifier: MIT
/*
 * The --ctx syntax of `xfoctl policy run` (see fault_ctx.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/xfo_areas.h"
#include "fault_ctx.h"
#include "xfoctl.h"

#define PAGE_SIZE	4096ull
#define CLASSES_ALL	(XFO_CLASS_BIT(XFO_CLASS_BOUNCE) | \
			 XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) | \
			 XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND))

struct flag_name {
	const char *name;
	uint32_t bits;
};

static const struct flag_name pfec_names[] = {
	{ "present", XFO_PFEC_PRESENT },
	{ "write", XFO_PFEC_WRITE },
	{ "user", XFO_PFEC_USER },
	{ "rsvd", XFO_PFEC_RSVD },
	{ "insn", XFO_PFEC_INSN },
	{ "pk", XFO_PFEC_PK },
	{ "read", 0 },
	{ NULL, 0 },
};

static const struct flag_name class_names[] = {
	{ "bounce", XFO_CLASS_BIT(XFO_CLASS_BOUNCE) },
	{ "zero_fill", XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) },
	{ "fault_around", XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND) },
	{ "all", CLASSES_ALL },
	{ NULL, 0 },
};

static const struct flag_name prot_names[] = {
	{ "read", XFO_PROT_READ },
	{ "write", XFO_PROT_WRITE },
	{ "exec", XFO_PROT_EXEC },
	{ NULL, 0 },
};

enum {
	F_ADDR,
	F_IP,
	F_ERROR,
	F_MODE,
	F_VCPU,
	F_DOMID,
	F_REGION,
	F_POOL,
};

static int fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A number for field what; explains a failure in err. */
static int number(const char *what, const char *s, uint64_t max,
		  uint64_t *out, char *err, size_t size)
{
	int ret = parse_u64(s, max, out);

	if (ret == -ERANGE)
		return fail(err, size, "%s: '%s' is out of range (0..%llu)",
			    what, s, (unsigned long long)max);
	if (ret)
		return fail(err, size, "%s: '%s' is not a number", what, s);
	return 0;
}

static bool same_name(const char *name, const char *s, size_t len)
{
	size_t i;

	if (strlen(name) != len)
		return false;
	/* zero-fill is zero_fill. */
	for (i = 0; i < len; i++)
		if (name[i] != (s[i] == '-' ? '_' : s[i]))
			return false;
	return true;
}

/* NAME|NAME|NUMBER... ('+' works as '|') against names. */
static int flags(const char *what, const char *s, const struct flag_name *names,
		 uint32_t *out, char *err, size_t size)
{
	const char *p = s, *end;
	uint32_t bits = 0;

	if (!*s)
		return fail(err, size, "%s: empty value", what);
	for (;;) {
		const struct flag_name *n;
		size_t len;

		end = p + strcspn(p, "|+");
		len = (size_t)(end - p);
		if (!len)
			return fail(err, size, "%s: empty flag in '%s'", what, s);
		for (n = names; n->name; n++)
			if (same_name(n->name, p, len))
				break;
		if (n->name) {
			bits |= n->bits;
		} else if (*p >= '0' && *p <= '9') {
			char num[32];
			uint64_t v;

			if (len >= sizeof(num))
				return fail(err, size, "%s: '%.*s' is out of "
					    "range", what, (int)len, p);
			memcpy(num, p, len);
			num[len] = '\0';
			if (number(what, num, UINT32_MAX, &v, err, size))
				return -EINVAL;
			bits |= (uint32_t)v;
		} else {
			char known[160] = "";

			for (n = names; n->name; n++) {
				size_t k = strlen(known);

				snprintf(known + k, sizeof(known) - k, "%s%s",
					 k ? " " : "", n->name);
			}
			return fail(err, size, "%s: unknown flag '%.*s' (known: "
				    "%s, or a number)", what, (int)len, p, known);
		}
		if (!*end)
			break;
		p = end + 1;
	}
	*out = bits;
	return 0;
}

static int parse_prot(const char *s, uint32_t *out, char *err, size_t size)
{
	const char *p;
	uint32_t prot = 0;

	if (*s && strspn(s, "rwx-") == strlen(s)) {
		for (p = s; *p; p++)
			prot |= *p == 'r' ? XFO_PROT_READ :
				*p == 'w' ? XFO_PROT_WRITE :
				*p == 'x' ? XFO_PROT_EXEC : 0;
		*out = prot;
		return 0;
	}
	return flags("region PROT", s, prot_names, out, err, size);
}

/* START-END or START+SIZE. */
static int parse_range(const char *s, uint64_t *start, uint64_t *end,
		       char *err, size_t size)
{
	size_t n = strcspn(s, "-+");
	char first[32];
	uint64_t v;

	if (!s[n] || n == 0)
		return fail(err, size, "region: range '%s' is not START-END or "
			    "START+SIZE", s);
	if (n >= sizeof(first))
		return fail(err, size, "region START: '%.*s' is out of range",
			    (int)n, s);
	memcpy(first, s, n);
	first[n] = '\0';
	if (number("region START", first, UINT64_MAX, start, err, size))
		return -EINVAL;
	if (s[n] == '-')
		return number("region END", s + n + 1, UINT64_MAX, end, err,
			      size);
	if (number("region SIZE", s + n + 1, UINT64_MAX, &v, err, size))
		return -EINVAL;
	if (v > UINT64_MAX - *start)
		return fail(err, size, "region: START+SIZE '%s' passes 2^64", s);
	*end = *start + v;
	return 0;
}

static int parse_region(struct fault_ctx_spec *spec, const char *s,
			char *err, size_t size)
{
	struct xfo_fault_ctx *ctx = &spec->ctx;
	char *copy, *parts[5], *p;
	unsigned int n = 0, i;
	uint64_t id;
	int ret = -EINVAL;

	if (!strcmp(s, "none")) {
		ctx->region_id = XFO_REGION_NONE;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return fail(err, size, "out of memory");
	for (p = copy; n < 5; n++) {
		parts[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (p || n > 4) {
		fail(err, size, "region: '%s' has too many ':' parts "
		     "(ID[:START-END[:PROT[:CLASSES]]])", s);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!*parts[i]) {
			fail(err, size, "region: '%s' has an empty part", s);
			goto out;
		}

	if (number("region ID", parts[0], XFO_REGION_NONE - 1, &id, err,
		   size))
		goto out;
	ctx->region_id = (uint32_t)id;
	if (n > 1) {
		if (parse_range(parts[1], &ctx->region_start, &ctx->region_end,
				err, size))
			goto out;
		spec->region_range = true;
	}
	if (n > 2) {
		if (parse_prot(parts[2], &ctx->region_prot, err, size))
			goto out;
		spec->region_prot = true;
	}
	if (n > 3) {
		if (flags("region CLASSES", parts[3], class_names,
			  &ctx->region_classes, err, size))
			goto out;
		spec->region_classes = true;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

static int parse_pool(struct xfo_fault_ctx *ctx, const char *s, char *err,
		      size_t size)
{
	const char *slash = strchr(s, '/');
	char level[32];
	uint64_t v;

	if (!slash) {
		if (number("pool LEVEL", s, UINT32_MAX, &v, err, size))
			return -EINVAL;
		ctx->pool_level = (uint32_t)v;
		return 0;
	}
	if ((size_t)(slash - s) >= sizeof(level))
		return fail(err, size, "pool LEVEL: '%.*s' is out of range",
			    (int)(slash - s), s);
	memcpy(level, s, (size_t)(slash - s));
	level[slash - s] = '\0';
	if (number("pool LEVEL", level, UINT32_MAX, &v, err, size))
		return -EINVAL;
	ctx->pool_level = (uint32_t)v;
	if (number("pool SIZE", slash + 1, UINT32_MAX, &v, err, size))
		return -EINVAL;
	ctx->pool_size = (uint32_t)v;
	return 0;
}

static const struct {
	const char *name;
	const char *alias;
	int field;
} field_names[] = {
	{ "addr", "cr2", F_ADDR },
	{ "ip", "rip", F_IP },
	{ "error", "error_code", F_ERROR },
	{ "mode", NULL, F_MODE },
	{ "vcpu", NULL, F_VCPU },
	{ "domid", "dom", F_DOMID },
	{ "region", NULL, F_REGION },
	{ "pool", NULL, F_POOL },
};

#define NR_FIELDS (sizeof(field_names) / sizeof(field_names[0]))

static int parse_item(struct fault_ctx_spec *spec, const char *item,
		      char *err, size_t size)
{
	struct xfo_fault_ctx *ctx = &spec->ctx;
	const char *eq = strchr(item, '=');
	const char *value;
	size_t len, i;
	uint64_t v;

	if (!eq)
		return fail(err, size, "'%s' is not FIELD=VALUE", item);
	len = (size_t)(eq - item);
	value = eq + 1;
	for (i = 0; i < NR_FIELDS; i++)
		if (same_name(field_names[i].name, item, len) ||
		    (field_names[i].alias &&
		     same_name(field_names[i].alias, item, len)))
			break;
	if (i == NR_FIELDS)
		return fail(err, size, "unknown field '%.*s' (fields: addr, "
			    "ip, error, mode, vcpu, domid, region, pool)",
			    (int)len, item);
	if (spec->seen & (1u << field_names[i].field))
		return fail(err, size, "field '%s' given twice",
			    field_names[i].name);
	spec->seen |= 1u << field_names[i].field;

	switch (field_names[i].field) {
	case F_ADDR:
		return number("addr", value, UINT64_MAX, &ctx->addr, err, size);
	case F_IP:
		return number("ip", value, UINT64_MAX, &ctx->ip, err, size);
	case F_ERROR:
		return flags("error", value, pfec_names, &ctx->error_code, err,
			     size);
	case F_MODE:
		if (!strcmp(value, "user") || !strcmp(value, "1"))
			ctx->mode = XFO_MODE_USER;
		else if (!strcmp(value, "kernel") || !strcmp(value, "0"))
			ctx->mode = XFO_MODE_KERNEL;
		else
			return fail(err, size, "mode: '%s' is not user or "
				    "kernel", value);
		return 0;
	case F_VCPU:
		if (number("vcpu", value, UINT32_MAX, &v, err, size))
			return -EINVAL;
		ctx->vcpu = (uint32_t)v;
		return 0;
	case F_DOMID:
		if (number("domid", value, UINT16_MAX, &v, err, size))
			return -EINVAL;
		ctx->domid = (uint16_t)v;
		return 0;
	case F_REGION:
		return parse_region(spec, value, err, size);
	default:
		return parse_pool(ctx, value, err, size);
	}
}

void fault_ctx_init(struct fault_ctx_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->ctx.region_id = XFO_REGION_NONE;
	spec->ctx.pool_size = XFO_RING_SIZE;
	spec->ctx.pool_level = XFO_RING_SIZE;
}

int fault_ctx_parse(struct fault_ctx_spec *spec, const char *text,
		    char *err, size_t err_size)
{
	const char *p = text;

	if (!*text)
		return fail(err, err_size, "empty context");
	for (;;) {
		size_t len = strcspn(p, ",");
		char *item;
		int ret;

		if (!len)
			return fail(err, err_size, "empty field in '%s'", text);
		item = strndup(p, len);
		if (!item)
			return fail(err, err_size, "out of memory");
		ret = parse_item(spec, item, err, err_size);
		free(item);
		if (ret)
			return ret;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int fault_ctx_finish(struct fault_ctx_spec *spec, char *err, size_t err_size)
{
	struct xfo_fault_ctx *ctx = &spec->ctx;

	if (!(spec->seen & (1u << F_MODE)))
		ctx->mode = ctx->error_code & XFO_PFEC_USER ? XFO_MODE_USER
							    : XFO_MODE_KERNEL;
	if (ctx->region_id == XFO_REGION_NONE) {
		ctx->region_start = ctx->region_end = 0;
		ctx->region_prot = ctx->region_classes = 0;
	} else {
		if (!spec->region_range) {
			ctx->region_start = ctx->addr & ~(PAGE_SIZE - 1);
			if (ctx->region_start > UINT64_MAX - PAGE_SIZE)
				return fail(err, err_size, "region: the page "
					    "of addr 0x%llx ends past 2^64; "
					    "give START-END",
					    (unsigned long long)ctx->addr);
			ctx->region_end = ctx->region_start + PAGE_SIZE;
		}
		if ((ctx->region_start | ctx->region_end) & (PAGE_SIZE - 1))
			return fail(err, err_size, "region: [0x%llx, 0x%llx) "
				    "is not page aligned",
				    (unsigned long long)ctx->region_start,
				    (unsigned long long)ctx->region_end);
		if (ctx->region_start >= ctx->region_end)
			return fail(err, err_size, "region: START 0x%llx is "
				    "not below END 0x%llx",
				    (unsigned long long)ctx->region_start,
				    (unsigned long long)ctx->region_end);
		if (!spec->region_prot)
			ctx->region_prot = XFO_PROT_READ | XFO_PROT_WRITE;
		if (!spec->region_classes)
			ctx->region_classes = CLASSES_ALL;
	}
	if (ctx->pool_level > ctx->pool_size)
		return fail(err, err_size, "pool: level %u exceeds the pool "
			    "size %u (pool=LEVEL/SIZE)", ctx->pool_level,
			    ctx->pool_size);
	return 0;
}

/* Joins the names of the bits set; unnamed bits as hex. */
static const char *flags_str(uint32_t bits, const struct flag_name *names,
			     char *buf, size_t size)
{
	const struct flag_name *n;
	size_t len = 0;

	buf[0] = '\0';
	for (n = names; n->name && len < size; n++) {
		/* Only single-bit names: "all" and "read" are spellings. */
		if (!n->bits || (n->bits & (n->bits - 1)) || !(bits & n->bits))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? "|" : "", n->name);
		bits &= ~n->bits;
	}
	if (bits && len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s0x%x",
					len ? "|" : "", bits);
	if (!len)
		snprintf(buf, size, "none");
	return buf;
}

const char *fault_ctx_pfec_str(uint32_t pfec, char *buf, size_t size)
{
	return flags_str(pfec, pfec_names, buf, size);
}

const char *fault_ctx_classes_str(uint32_t classes, char *buf, size_t size)
{
	return flags_str(classes, class_names, buf, size);
}

const char *fault_ctx_prot_str(uint32_t prot, char *buf, size_t size)
{
	snprintf(buf, size, "%c%c%c%s", prot & XFO_PROT_READ ? 'r' : '-',
		 prot & XFO_PROT_WRITE ? 'w' : '-',
		 prot & XFO_PROT_EXEC ? 'x' : '-',
		 prot & ~7u ? "+" : "");
	return buf;
}

const char *fault_ctx_class_name(uint32_t cls)
{
	switch (cls) {
	case XFO_CLASS_BOUNCE:
		return "BOUNCE";
	case XFO_CLASS_ZERO_FILL:
		return "ZERO_FILL";
	case XFO_CLASS_FAULT_AROUND:
		return "FAULT_AROUND";
	default:
		return NULL;
	}
}

void fault_ctx_print(FILE *f, const struct xfo_fault_ctx *ctx)
{
	char b1[96], b2[96], b3[16];

	fprintf(f, "ctx: addr 0x%llx ip 0x%llx error 0x%x (%s) mode %s "
		"vcpu %u domid %u\n", (unsigned long long)ctx->addr,
		(unsigned long long)ctx->ip, ctx->error_code,
		fault_ctx_pfec_str(ctx->error_code, b1, sizeof(b1)),
		ctx->mode == XFO_MODE_USER ? "user" : "kernel", ctx->vcpu,
		ctx->domid);
	if (ctx->region_id == XFO_REGION_NONE)
		fprintf(f, "     region none");
	else
		fprintf(f, "     region %u [0x%llx, 0x%llx) %s %s",
			ctx->region_id,
			(unsigned long long)ctx->region_start,
			(unsigned long long)ctx->region_end,
			fault_ctx_prot_str(ctx->region_prot, b3, sizeof(b3)),
			fault_ctx_classes_str(ctx->region_classes, b2,
					      sizeof(b2)));
	fprintf(f, " pool %u/%u\n", ctx->pool_level, ctx->pool_size);
}

void fault_ctx_json(struct json_writer *w, const struct xfo_fault_ctx *ctx)
{
	char buf[96];

	jsonw_start_object(w);
	jsonw_uint_field(w, "addr", ctx->addr);
	jsonw_uint_field(w, "ip", ctx->ip);
	jsonw_uint_field(w, "error_code", ctx->error_code);
	jsonw_string_field(w, "error_flags",
			   fault_ctx_pfec_str(ctx->error_code, buf, sizeof(buf)));
	jsonw_uint_field(w, "vcpu", ctx->vcpu);
	jsonw_uint_field(w, "domid", ctx->domid);
	jsonw_string_field(w, "mode",
			   ctx->mode == XFO_MODE_USER ? "user" : "kernel");
	if (ctx->region_id == XFO_REGION_NONE) {
		jsonw_name(w, "region_id");
		jsonw_null(w);
	} else {
		jsonw_uint_field(w, "region_id", ctx->region_id);
	}
	jsonw_uint_field(w, "region_start", ctx->region_start);
	jsonw_uint_field(w, "region_end", ctx->region_end);
	jsonw_uint_field(w, "region_prot", ctx->region_prot);
	jsonw_uint_field(w, "region_classes", ctx->region_classes);
	jsonw_string_field(w, "classes",
			   fault_ctx_classes_str(ctx->region_classes, buf,
						 sizeof(buf)));
	jsonw_uint_field(w, "pool_level", ctx->pool_level);
	jsonw_uint_field(w, "pool_size", ctx->pool_size);
	jsonw_end_object(w);
}
