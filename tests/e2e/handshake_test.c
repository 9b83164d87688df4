// SPDX-License-Identifier: MIT
/*
 * Offline tests of lib/guest_handshake.c's parsing and checks: the keys a
 * guest publishes are untrusted text, so every syntax, range and
 * consistency rule is tried with good and bad values. The xenstore side
 * runs against a fake libxenstore in tests/suites/guest-handshake.sh.
 * Prints "PASS <name>" / "FAIL <name>: ...".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#include "../common/check.h"

/* A guest's keys, as the module writes them. */
static const char *vals[XFO_GK_NR];

static void good_keys(void)
{
	memset(vals, 0, sizeof(vals));
	vals[XFO_GK_STATE] = "3";
	vals[XFO_GK_VERSION] = "0x00010000";
	vals[XFO_GK_TABLE] = "123456";
	vals[XFO_GK_POOL] = "123457";
	vals[XFO_GK_COMPLETION] = "99";
	vals[XFO_GK_EVTCHN] = "17";
}

static int parse(struct xfo_guest_keys *k, char *err, size_t size)
{
	return xfo_guest__parse(vals, 7, k, err, size);
}

/*
 * Good keys but one set to v: with want NULL it must be accepted
 * ("accept_<name>"), else refused naming the key, err having want
 * ("refuse_<name>").
 */
static void try_value(const char *name, unsigned int key, const char *v,
		      const char *want)
{
	struct xfo_guest_keys k;
	char err[XFO_GUEST_ERR_LEN], n[96];
	int ret;

	good_keys();
	vals[key] = v;
	ret = parse(&k, err, sizeof(err));
	snprintf(n, sizeof(n), "%s_%s", want ? "refuse" : "accept", name);
	if (!want)
		check(n, ret == 0, "ret %d, '%s'", ret, err);
	else
		check(n, ret == -EINVAL &&
		      strstr(err, xfo_guest__key_name(key)) &&
		      strstr(err, want), "ret %d, '%s' (want '%s')", ret, err,
		      want);
}

static void bad(const char *name, unsigned int key, const char *v,
		const char *want)
{
	try_value(name, key, v, want);
}

static void ok_value(const char *name, unsigned int key, const char *v)
{
	try_value(name, key, v, NULL);
}

static void test_good(void)
{
	struct xfo_guest_keys k;
	char err[XFO_GUEST_ERR_LEN];
	int ret;

	good_keys();
	vals[XFO_GK_BACKEND_STATE] = "6";
	vals[XFO_GK_BACKEND_ERROR] = "refused\nfor a 'reason'";
	ret = parse(&k, err, sizeof(err));
	check("parse_good", ret == 0 && k.domid == 7 && k.state == 3 &&
	      k.version == 0x00010000 && k.region_table_frame == 123456 &&
	      k.pool_ring_frame == 123457 && k.completion_ring_frame == 99 &&
	      k.evtchn == 17 && !err[0], "ret %d, '%s'", ret, err);
	check("parse_backend_state", k.backend_state == 6, "%d",
	      k.backend_state);
	check("parse_backend_error_quoted",
	      !strcmp(k.backend_error, "refused\\x0afor a \\x27reason\\x27"),
	      "'%s'", k.backend_error);
	ret = xfo_guest__check(&k, err, sizeof(err));
	check("check_good", ret == 0 && !err[0], "ret %d, '%s'", ret, err);

	good_keys();
	ret = parse(&k, err, sizeof(err));
	check("parse_no_backend_state", !ret && k.backend_state == -1 &&
	      !k.backend_error[0], "ret %d, %d", ret, k.backend_state);
	vals[XFO_GK_BACKEND_STATE] = "x";
	ret = parse(&k, err, sizeof(err));
	check("parse_bad_backend_state_is_none", !ret &&
	      k.backend_state == -1, "ret %d, %d", ret, k.backend_state);
}

static void test_states(void)
{
	struct xfo_guest_keys k;
	char err[XFO_GUEST_ERR_LEN];
	int ret;

	/* Before Initialised nothing else need be there. */
	memset(vals, 0, sizeof(vals));
	vals[XFO_GK_STATE] = "1";
	ret = parse(&k, err, sizeof(err));
	check("state_1_alone", ret == 0 && k.state == 1, "ret %d, '%s'", ret,
	      err);
	ret = xfo_guest__check(&k, err, sizeof(err));
	check("check_state_1", ret == -EAGAIN &&
	      !strcmp(err, "domain 7's state is 1 (Initialising), not 3 "
		      "(Initialised)"), "ret %d, '%s'", ret, err);

	memset(vals, 0, sizeof(vals));
	ret = parse(&k, err, sizeof(err));
	check("state_missing", ret == -ENOENT && strstr(err, "state is missing"),
	      "ret %d, '%s'", ret, err);

	good_keys();
	vals[XFO_GK_STATE] = "4";
	ret = parse(&k, err, sizeof(err));
	check("state_4_parsed", !ret && k.state == 4, "ret %d", ret);
	ret = xfo_guest__check(&k, err, sizeof(err));
	check("check_state_4", ret == -EAGAIN && strstr(err, "4 (Connected)"),
	      "ret %d, '%s'", ret, err);

	bad("state_0", XFO_GK_STATE, "0", "not a XenbusState");
	bad("state_7", XFO_GK_STATE, "7", "not a XenbusState");
	bad("state_word", XFO_GK_STATE, "Initialised", "not a XenbusState");
	bad("state_space", XFO_GK_STATE, "3 ", "not a XenbusState");
	bad("state_sign", XFO_GK_STATE, "+3", "not a XenbusState");
	bad("state_leading_zero", XFO_GK_STATE, "03", "not a XenbusState");
	bad("state_empty", XFO_GK_STATE, "", "not a XenbusState");
	bad("state_huge", XFO_GK_STATE, "99999999999999999999999",
	    "not a XenbusState");
	check("state_names", !strcmp(xfo_guest__state_name(6), "Closed") &&
	      !strcmp(xfo_guest__state_name(99), "Unknown"), "wrong");
}

static void test_version(void)
{
	struct xfo_guest_keys k;
	char err[XFO_GUEST_ERR_LEN];
	int ret;

	ok_value("version_minor", XFO_GK_VERSION, "0x00010003");
	ok_value("version_short", XFO_GK_VERSION, "0x10000");
	ok_value("version_upper", XFO_GK_VERSION, "0X0001000A");
	bad("version_decimal", XFO_GK_VERSION, "65536", "not an interface");
	bad("version_empty_hex", XFO_GK_VERSION, "0x", "not an interface");
	bad("version_long", XFO_GK_VERSION, "0x000010000", "not an interface");
	bad("version_junk", XFO_GK_VERSION, "0x0001000g", "not an interface");
	bad("version_missing", XFO_GK_VERSION, NULL, "version is missing");

	good_keys();
	vals[XFO_GK_VERSION] = "0x00020000";
	ret = parse(&k, err, sizeof(err));
	check("version_2_parses", !ret && k.version == 0x20000, "ret %d", ret);
	ret = xfo_guest__check(&k, err, sizeof(err));
	check("check_major_differs", ret == -EPROTO &&
	      !strcmp(err, "domain 7 speaks xfo interface 2.0 (0x00020000), "
		      "this dom0 1.1: the major versions differ"),
	      "ret %d, '%s'", ret, err);
}

static void test_frames(void)
{
	static const unsigned int keys[] = {
		XFO_GK_TABLE, XFO_GK_POOL, XFO_GK_COMPLETION,
	};
	char name[64], max[32], over[32];
	unsigned int i;

	snprintf(max, sizeof(max), "%llu", XFO_GUEST_FRAME_MAX);
	snprintf(over, sizeof(over), "%llu", XFO_GUEST_FRAME_MAX + 1);
	for (i = 0; i < 3; i++) {
		const char *kn = xfo_guest__key_name(keys[i]);

		snprintf(name, sizeof(name), "%s_max", kn);
		ok_value(name, keys[i], max);
		snprintf(name, sizeof(name), "%s_over", kn);
		bad(name, keys[i], over, "beyond the largest machine frame");
		snprintf(name, sizeof(name), "%s_zero", kn);
		bad(name, keys[i], "0", "frame 0");
		snprintf(name, sizeof(name), "%s_negative", kn);
		bad(name, keys[i], "-1", "not a decimal frame number");
		snprintf(name, sizeof(name), "%s_hex", kn);
		bad(name, keys[i], "0x1000", "not a decimal frame number");
		snprintf(name, sizeof(name), "%s_trailing", kn);
		bad(name, keys[i], "4096k", "not a decimal frame number");
		snprintf(name, sizeof(name), "%s_missing", kn);
		bad(name, keys[i], NULL, "is missing");
		snprintf(name, sizeof(name), "%s_u64_wrap", kn);
		bad(name, keys[i], "18446744073709551617",
		    "beyond the largest machine frame");
	}
	bad("frames_table_is_pool", XFO_GK_POOL, "123456",
	    "the same frame as another area");
	bad("frames_completion_is_table", XFO_GK_COMPLETION, "123456",
	    "the same frame as another area");
	bad("frame_control_chars", XFO_GK_TABLE, "12\x1b[2J",
	    "'12\\x1b[2J'");
}

static void test_evtchn(void)
{
	char max[32], over[32];

	snprintf(max, sizeof(max), "%u", XFO_GUEST_EVTCHN_MAX);
	snprintf(over, sizeof(over), "%u", XFO_GUEST_EVTCHN_MAX + 1);
	ok_value("evtchn_1", XFO_GK_EVTCHN, "1");
	ok_value("evtchn_max", XFO_GK_EVTCHN, max);
	bad("evtchn_over", XFO_GK_EVTCHN, over, "beyond the last port");
	bad("evtchn_zero", XFO_GK_EVTCHN, "0", "not a port number");
	bad("evtchn_word", XFO_GK_EVTCHN, "port", "not a port number");
	bad("evtchn_missing", XFO_GK_EVTCHN, NULL, "is missing");
}

static void test_quote(void)
{
	struct xfo_guest_keys k;
	char err[XFO_GUEST_ERR_LEN], long_val[200];

	memset(long_val, '7', sizeof(long_val) - 1);
	long_val[sizeof(long_val) - 1] = '\0';
	good_keys();
	vals[XFO_GK_POOL] = long_val;
	xfo_guest__parse(vals, 7, &k, err, sizeof(err));
	check("quote_cut", strstr(err, "7777...'") && strlen(err) < 120,
	      "'%s'", err);

	/* A small err buffer is cut, NUL-terminated. */
	memset(err, 'z', sizeof(err));
	good_keys();
	vals[XFO_GK_EVTCHN] = "x";
	xfo_guest__parse(vals, 7, &k, err, 10);
	check("err_small_buffer", strlen(err) == 9 && err[10] == 'z',
	      "'%.12s'", err);
}

int main(void)
{
	test_good();
	test_states();
	test_version();
	test_frames();
	test_evtchn();
	test_quote();
	check("key_names", !strcmp(xfo_guest__key_name(XFO_GK_COMPLETION),
				   XFO_XS_COMPLETION_RING) &&
	      !xfo_guest__key_name(XFO_GK_NR), "wrong");
	return failures ? 1 : 0;
}
