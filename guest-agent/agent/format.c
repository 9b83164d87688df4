// SPDX-License-Identifier: MIT
/*
 * format.c: xfo-agent's argument parsing and status output.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "decide.h"
#include "xfo.h"
#include "io/xfo.h"

int agent_parse(int argc, char **argv, struct agent_args *a, char *err, size_t errlen)
{
	int i = 1;

	memset(a, 0, sizeof(*a));
	a->device = XFO_GUEST_DEVICE;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			a->json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			a->cmd = CMD_HELP;
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			a->cmd = CMD_VERSION;
			return 0;
		} else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--device")) {
			if (++i == argc) {
				snprintf(err, errlen, "%s needs a path", argv[i - 1]);
				return -1;
			}
			a->device = argv[i];
		} else {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -1;
		}
	}
	if (i == argc) {
		snprintf(err, errlen, "no command (status, run or help)");
		return -1;
	}
	if (!strcmp(argv[i], "help")) {
		a->cmd = CMD_HELP;
		return 0;
	}
	if (!strcmp(argv[i], "status")) {
		a->cmd = CMD_STATUS;
		for (i++; i < argc; i++) {
			if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
				a->json = 1;
			} else {
				snprintf(err, errlen, "status: unexpected '%s'", argv[i]);
				return -1;
			}
		}
		return 0;
	}
	if (strcmp(argv[i], "run")) {
		snprintf(err, errlen, "unknown command '%s' (status, run or help)", argv[i]);
		return -1;
	}
	a->cmd = CMD_RUN;
	for (i++; i < argc; i++) {
		const char *opt = argv[i], *val = NULL;
		size_t n = strlen("--threshold");

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (opt[0] != '-')
			break;
		if (!strncmp(opt, "--threshold", n) && (opt[n] == '=' || !opt[n])) {
			val = opt[n] == '=' ? opt + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val) {
				snprintf(err, errlen, "run: --threshold needs a size");
				return -1;
			}
			if (xfo_parse_size(val, &a->threshold) || !a->threshold) {
				snprintf(err, errlen,
					 "run: --threshold '%s' is not a size (bytes, or with K, M, G)",
					 val);
				return -1;
			}
		} else if (!strcmp(opt, "--no-malloc")) {
			a->no_malloc = 1;
		} else if (!strcmp(opt, "--preload")) {
			if (i + 1 == argc) {
				snprintf(err, errlen, "run: --preload needs a path");
				return -1;
			}
			a->preload = argv[++i];
		} else {
			snprintf(err, errlen, "run: unknown option '%s'", opt);
			return -1;
		}
	}
	if (i == argc) {
		snprintf(err, errlen, "run: no command to run (run [--threshold BYTES] -- CMD ARGS)");
		return -1;
	}
	a->argv = argv + i;
	return 0;
}

const char *agent_state_name(unsigned int state)
{
	switch (state) {
	case XFO_XS_STATE_UNKNOWN:      return "unpublished";
	case XFO_XS_STATE_INITIALISING: return "initialising";
	case XFO_XS_STATE_INITWAIT:     return "init-wait";
	case XFO_XS_STATE_INITIALISED:  return "initialised";
	case XFO_XS_STATE_CONNECTED:    return "connected";
	case XFO_XS_STATE_CLOSING:      return "closing";
	case XFO_XS_STATE_CLOSED:       return "closed";
	default:                        return "?";
	}
}

/* What the handshake means for offload, in words. */
static const char *offload_state(const struct xfo_guest_stats *s)
{
	if (s->flags & XFO_GUEST_F_CONNECTED)
		return "on: Xen resolves faults in published regions";
	if (s->flags & XFO_GUEST_F_REFUSED)
		return "off: dom0 refused; faults are handled by the guest";
	if (s->flags & XFO_GUEST_F_PUBLISHED)
		return "off: waiting for dom0; faults are handled by the guest";
	return "off: not offered to dom0; faults are handled by the guest";
}

static void prot_str(uint32_t prot, char out[4])
{
	out[0] = prot & XFO_PROT_READ ? 'r' : '-';
	out[1] = prot & XFO_PROT_WRITE ? 'w' : '-';
	out[2] = prot & XFO_PROT_EXEC ? 'x' : '-';
	out[3] = '\0';
}

static void classes_str(uint32_t c, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s",
		 c & XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) ? "zero_fill" : "",
		 (c & XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL)) &&
		 (c & XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND)) ? "|" : "",
		 c & XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND) ? "fault_around" : "");
	if (!*out)
		snprintf(out, len, "none");
}

/* A JSON string: the ASCII that backend-error can hold, escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int64_t balance(const struct xfo_guest_stats *s)
{
	return (int64_t)(s->pages_allocated - s->pages_freed - s->pages_pool -
			 s->pages_taken - s->pages_mapped - s->pages_orphaned);
}

static void print_json(FILE *f, const struct xfo_guest_stats *s,
		       const struct xfo_guest_region_info *r, unsigned int nr)
{
	char prot[4], cls[32];
	unsigned int i;

	fprintf(f, "{\"version\":\"0x%08x\",\"domid\":%u,", s->version, s->domid);
	fprintf(f, "\"handshake\":{\"state\":%u,\"state_name\":\"%s\","
		"\"backend_state\":%u,\"published\":%s,\"connected\":%s,"
		"\"refused\":%s,\"backend_error\":",
		s->state, agent_state_name(s->state), s->backend_state,
		s->flags & XFO_GUEST_F_PUBLISHED ? "true" : "false",
		s->flags & XFO_GUEST_F_CONNECTED ? "true" : "false",
		s->flags & XFO_GUEST_F_REFUSED ? "true" : "false");
	json_str(f, s->backend_error);
	fprintf(f, ",\"event_channel\":%u,\"region_table_frame\":%llu,"
		"\"pool_ring_frame\":%llu,\"completion_ring_frame\":%llu,"
		"\"last_unmap_rc\":%d},",
		s->evtchn, (unsigned long long)s->region_table_frame,
		(unsigned long long)s->pool_ring_frame,
		(unsigned long long)s->completion_ring_frame, s->last_unmap_rc);
	fprintf(f, "\"pool\":{\"level\":%u,\"size\":%u,\"watermark\":%u,"
		"\"target\":%u,\"refills\":%llu,\"notifications\":%llu},",
		s->pool_level, s->pool_size, s->pool_watermark, s->pool_target,
		(unsigned long long)s->refills, (unsigned long long)s->notifications);
	fprintf(f, "\"pages\":{\"allocated\":%llu,\"freed\":%llu,\"pool\":%llu,"
		"\"taken\":%llu,\"mapped\":%llu,\"orphaned\":%llu,"
		"\"balance\":%lld},",
		(unsigned long long)s->pages_allocated, (unsigned long long)s->pages_freed,
		(unsigned long long)s->pages_pool, (unsigned long long)s->pages_taken,
		(unsigned long long)s->pages_mapped, (unsigned long long)s->pages_orphaned,
		(long long)balance(s));
	fprintf(f, "\"faults\":{\"offloaded\":%llu,\"bounced\":%llu,"
		"\"bounced_mapped\":%llu,\"returned\":%llu,"
		"\"completion_errors\":%llu},",
		(unsigned long long)s->pages_offloaded, (unsigned long long)s->faults,
		(unsigned long long)s->faults_mapped, (unsigned long long)s->pages_returned,
		(unsigned long long)s->completion_errors);
	fprintf(f, "\"regions_created\":%llu,\"nr_published\":%u,\"regions\":[",
		(unsigned long long)s->regions_created, s->nr_published);
	for (i = 0; i < nr; i++) {
		prot_str(r[i].prot, prot);
		classes_str(r[i].classes, cls, sizeof(cls));
		fprintf(f, "%s{\"id\":%u,\"pid\":%d,\"start\":\"0x%llx\","
			"\"end\":\"0x%llx\",\"bytes\":%llu,\"prot\":\"%s\","
			"\"classes\":\"%s\",\"published\":%s,\"pt_root\":%llu,"
			"\"pages\":%llu,\"faults\":%llu,\"offloaded\":%llu}",
			i ? "," : "", r[i].id, r[i].pid,
			(unsigned long long)r[i].start, (unsigned long long)r[i].end,
			(unsigned long long)(r[i].end - r[i].start), prot, cls,
			r[i].published ? "true" : "false",
			(unsigned long long)r[i].pt_root,
			(unsigned long long)r[i].pages, (unsigned long long)r[i].faults,
			(unsigned long long)r[i].offloaded);
	}
	fprintf(f, "]}\n");
}

void agent_print_status(FILE *f, int json, const struct xfo_guest_stats *s,
			const struct xfo_guest_region_info *r, unsigned int nr)
{
	char prot[4], cls[32], err[sizeof(s->backend_error)];
	unsigned int i;

	if (json) {
		print_json(f, s, r, nr);
		return;
	}
	fprintf(f, "offload:    %s\n", offload_state(s));
	/* dom0's text, one printable line. */
	snprintf(err, sizeof(err), "%s", s->backend_error);
	for (i = 0; err[i]; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			err[i] = '?';
	fprintf(f, "handshake:  state %u (%s), backend-state %u%s%s%s, domain %u, port %u\n",
		s->state, agent_state_name(s->state), s->backend_state,
		err[0] ? " (" : "", err, err[0] ? ")" : "", s->domid, s->evtchn);
	fprintf(f, "pool:       %u of %u frames (refill below %u, up to %u; %llu refills, %llu notifications)\n",
		s->pool_level, s->pool_size, s->pool_watermark, s->pool_target,
		(unsigned long long)s->refills, (unsigned long long)s->notifications);
	fprintf(f, "faults:     %llu offloaded (pages Xen installed), %llu bounced (handled by the guest's .fault)\n",
		(unsigned long long)s->pages_offloaded, (unsigned long long)s->faults);
	fprintf(f, "pages:      %llu allocated = %llu freed + %llu pool + %llu taken + %llu mapped + %llu orphaned%s\n",
		(unsigned long long)s->pages_allocated, (unsigned long long)s->pages_freed,
		(unsigned long long)s->pages_pool, (unsigned long long)s->pages_taken,
		(unsigned long long)s->pages_mapped, (unsigned long long)s->pages_orphaned,
		balance(s) ? "  (DOES NOT ADD UP)" : "");
	if (s->completion_errors)
		fprintf(f, "errors:     %llu bad completions\n",
			(unsigned long long)s->completion_errors);
	fprintf(f, "regions:    %u open, %u published to Xen, %llu created so far\n",
		s->nr_regions, s->nr_published, (unsigned long long)s->regions_created);
	if (!nr)
		return;
	fprintf(f, "  %5s %7s  %-33s %4s %-22s %9s %9s %9s\n", "id", "pid", "range",
		"prot", "classes", "pages", "faults", "offloaded");
	for (i = 0; i < nr; i++) {
		char range[40];

		prot_str(r[i].prot, prot);
		classes_str(r[i].classes, cls, sizeof(cls));
		snprintf(range, sizeof(range), "%llx-%llx",
			 (unsigned long long)r[i].start, (unsigned long long)r[i].end);
		fprintf(f, "  %5u %7d  %-33s %4s %-22s %9llu %9llu %9llu%s\n", r[i].id,
			r[i].pid, range, prot, cls, (unsigned long long)r[i].pages,
			(unsigned long long)r[i].faults, (unsigned long long)r[i].offloaded,
			r[i].published ? "" : "  (unpublished)");
	}
}

void agent_print_error(FILE *f, int json, const char *what, const char *why)
{
	if (json) {
		fprintf(f, "{\"error\":");
		json_str(f, what);
		fprintf(f, ",\"reason\":");
		json_str(f, why);
		fprintf(f, "}\n");
	} else {
		fprintf(f, "xfo-agent: %s: %s\n", what, why);
	}
}
