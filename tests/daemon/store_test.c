// SPDX-License-Identifier: MIT
/*
 * The policy store (daemon/store.c) and the single-instance lock
 * (daemon/lock.c). Policies are the build's: the examples in BUILD/bpf/,
 * tests/cli/src/refused.bpf.c (the verifier refuses its "loops") and
 * tests/elf/src/no_program.bpf.c; broken objects are made here from
 * zero_fill.bpf.o.
 *
 *	store_test BUILD_DIR SCRATCH_DIR SHA256_OF_ZERO_FILL
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "log.h"
#include "store.h"

#include "../common/check.h"

static const char *build, *scratch, *zero_fill_sha;
static char state_dir[512], pol_dir[600];

struct blob {
	char *buf;
	size_t len;
};

static struct blob load(const char *rel)
{
	struct blob b = { NULL, 0 };
	char path[600], err[256];

	snprintf(path, sizeof(path), "%s/%s", build, rel);
	if (xfod_read_file(path, 16 << 20, &b.buf, &b.len, err, sizeof(err)))
		fprintf(stderr, "%s\n", err);
	return b;
}

static bool file_is(const char *path, const struct blob *b)
{
	struct blob f = { NULL, 0 };
	char err[256];
	bool same;

	if (xfod_read_file(path, 16 << 20, &f.buf, &f.len, err, sizeof(err)))
		return false;
	same = f.len == b->len && !memcmp(f.buf, b->buf, b->len);
	free(f.buf);
	return same;
}

/* Files in the policy directory whose name holds infix. */
static int count(const char *infix)
{
	struct dirent *de;
	DIR *d = opendir(pol_dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strcmp(infix, "."))
			n += strstr(de->d_name, infix) != NULL &&
			     strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_sha256(void)
{
	char hex[65];
	int ret = xfod_sha256_hex("abc", 3, hex);

	/* FIPS 180-2's example. */
	check("sha256_known_answer", ret == 0 && !strcmp(hex,
	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	      "ret %d, %s", ret, hex);
}

struct refusal {
	const char *name;
	const char *policy;	/* the name stored under */
	struct blob obj;
	const char *want;	/* in the log */
};

static void test_store(void)
{
	struct blob zf = load("bpf/zero_fill.bpf.o");
	struct blob fa = load("bpf/fault_around.bpf.o");
	struct blob loops = load("tests/cli/refused.bpf.o");
	struct blob noprog = load("tests/elf/no_program.bpf.o");
	const struct xfod_policy *p = NULL;
	struct xfod_store *st = NULL;
	char err[512], log[8192], path[700], junk[] = "not an ELF object\n";
	char *half = NULL, *big = NULL;
	int ret;
	size_t i;

	if (!zf.buf || !fa.buf || !loops.buf || !noprog.buf) {
		fail("store_inputs_built", "a policy object is missing in %s",
		     build);
		return;
	}
	ret = xfod_store__open(state_dir, &st, err, sizeof(err));
	check("store_open_makes_its_directory", ret == 0 && count("") == 0,
	      "ret %d, '%s'", ret, err);
	if (ret)
		return;

	ret = xfod_store__put(st, "zf", zf.buf, zf.len, &p, log, sizeof(log));
	snprintf(path, sizeof(path), "%s/zf" XFOD_POLICY_SUFFIX, pol_dir);
	check("store_accepts_a_verified_policy", ret == 0 && p &&
	      !strcmp(p->name, "zf") && p->prog_cnt == 1 &&
	      !strcmp(p->path, path) && p->size == zf.len,
	      "ret %d, '%s'", ret, log);
	check("store_file_is_the_bytes_given", file_is(path, &zf),
	      "%s differs from zero_fill.bpf.o", path);
	check("sha256_as_sha256sum", p && !strcmp(p->sha256, zero_fill_sha),
	      "store %s, sha256sum %s", p ? p->sha256 : "-", zero_fill_sha);
	check("store_names_the_programs", p && p->prog_cnt == 1 &&
	      !strcmp(p->progs[0].name, "zero_fill") && p->progs[0].insns > 0,
	      "program %s", p && p->prog_cnt ? p->progs[0].name : "-");

	/* Each refusal: -EINVAL, the reason in the log, nothing written,
	 * and "zf" as it was. */
	half = malloc(zf.len / 2);
	big = calloc(1, XFOD_POLICY_MAX + 1);
	if (!half || !big) {
		fail("store_refusals", "out of memory");
		goto out;
	}
	memcpy(half, zf.buf, zf.len / 2);
	{
		const struct refusal refusals[] = {
			{ "store_refuses_verifier_failure_with_its_log", "loops",
			  loops, "program 'loops' refused by the verifier:\n" },
			{ "store_refuses_verifier_log_names_the_insn", "loops",
			  loops, "back-edge" },
			{ "store_refuses_not_an_elf", "junk",
			  { junk, sizeof(junk) - 1 }, "not a policy object" },
			{ "store_refuses_truncated_elf", "half",
			  { half, zf.len / 2 }, "not a policy object" },
			{ "store_refuses_empty_object", "empty", { junk, 0 },
			  "not a policy object" },
			{ "store_refuses_object_without_program", "noprog", noprog,
			  "no xfo program in object" },
			{ "store_refuses_larger_than_a_policy", "big",
			  { big, XFOD_POLICY_MAX + 1 }, "more than the" },
			{ "store_refuses_name_with_slash", "../zf", zf,
			  "'../zf' is not a policy name" },
			{ "store_refuses_name_hidden", ".zf", zf,
			  "'.zf' is not a policy name" },
			{ "store_refuses_name_empty", "", zf, "'' is not a policy name" },
			{ "store_refuses_name_too_long",
			  "abcdefghijklmnopqrstuvwxyz012345", zf,
			  "is not a policy name" },
		};

		for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
			const struct refusal *r = &refusals[i];

			log[0] = '\0';
			ret = xfod_store__put(st, r->policy, r->obj.buf,
					      r->obj.len, NULL, log,
					      sizeof(log));
			check(r->name, ret == -EINVAL && strstr(log, r->want) &&
			      !xfod_store__get(st, r->policy) &&
			      count(XFOD_POLICY_SUFFIX) == 1,
			      "ret %d, %d files, log '%.300s' (want '%s')", ret,
			      count(XFOD_POLICY_SUFFIX), log, r->want);
		}
	}

	/* A bad policy under the name of a good one. */
	ret = xfod_store__put(st, "zf", loops.buf, loops.len, NULL, log,
			      sizeof(log));
	p = xfod_store__get(st, "zf");
	check("refused_policy_keeps_the_stored_one", ret == -EINVAL && p &&
	      !strcmp(p->sha256, zero_fill_sha) && file_is(path, &zf) &&
	      strstr(log, "back-edge"), "ret %d, sha %s, file %s", ret,
	      p ? p->sha256 : "-", file_is(path, &zf) ? "kept" : "CHANGED");

	ret = xfod_store__put(st, "zf", fa.buf, fa.len, &p, log, sizeof(log));
	check("good_policy_replaces_the_stored_one", ret == 0 && p &&
	      strcmp(p->sha256, zero_fill_sha) && file_is(path, &fa) &&
	      xfod_store__count(st) == 1, "ret %d, '%s'", ret, log);
	check("store_leaves_no_temp_file", count(XFOD_TMP_INFIX) == 0,
	      "%d temp files in %s", count(XFOD_TMP_INFIX), pol_dir);

	ret = xfod_store__put(st, "a.first", zf.buf, zf.len, NULL, log,
			      sizeof(log));
	ret |= xfod_store__put(st, "m", zf.buf, zf.len, NULL, log, sizeof(log));
	check("store_lists_by_name", ret == 0 && xfod_store__count(st) == 3 &&
	      !strcmp(xfod_store__at(st, 0)->name, "a.first") &&
	      !strcmp(xfod_store__at(st, 1)->name, "m") &&
	      !strcmp(xfod_store__at(st, 2)->name, "zf") &&
	      !xfod_store__at(st, 3), "ret %d, %zu policies", ret,
	      xfod_store__count(st));

	/* What a restart finds: the same, less what is not a policy, less
	 * the temp file of a write a crash interrupted. */
	snprintf(path, sizeof(path), "%s/junk" XFOD_POLICY_SUFFIX, pol_dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/.m" XFOD_POLICY_SUFFIX XFOD_TMP_INFIX
		 "Ab12Cd", pol_dir);
	fclose(fopen(path, "w"));
	xfod_log__init(false, XFOD_LOG_ERROR);	/* the warnings are expected */
	xfod_store__close(st);
	st = NULL;
	ret = xfod_store__open(state_dir, &st, err, sizeof(err));
	xfod_log__init(false, XFOD_LOG_INFO);
	check("reopen_lists_the_same", ret == 0 && xfod_store__count(st) == 3 &&
	      xfod_store__get(st, "zf") &&
	      strcmp(xfod_store__get(st, "zf")->sha256, zero_fill_sha) &&
	      xfod_store__get(st, "m") &&
	      !strcmp(xfod_store__get(st, "m")->sha256, zero_fill_sha),
	      "ret %d, '%s', %zu policies", ret, err,
	      st ? xfod_store__count(st) : 0);
	check("reopen_skips_a_bad_file_and_keeps_it",
	      st && !xfod_store__get(st, "junk") && access(
	      (snprintf(path, sizeof(path), "%s/junk" XFOD_POLICY_SUFFIX,
			pol_dir), path), F_OK) == 0, "junk listed or removed");
	check("reopen_removes_a_crashed_write", count(XFOD_TMP_INFIX) == 0,
	      "%d temp files left", count(XFOD_TMP_INFIX));
	if (!st)
		goto out;

	ret = xfod_store__remove(st, "m", err, sizeof(err));
	snprintf(path, sizeof(path), "%s/m" XFOD_POLICY_SUFFIX, pol_dir);
	check("remove_deletes_the_file", ret == 0 && !xfod_store__get(st, "m") &&
	      access(path, F_OK) && xfod_store__count(st) == 2,
	      "ret %d, '%s'", ret, err);
	ret = xfod_store__remove(st, "m", err, sizeof(err));
	check("remove_missing", ret == -ENOENT &&
	      strstr(err, "no policy 'm' in the store"), "ret %d, '%s'", ret,
	      err);
out:
	xfod_store__close(st);
	free(half);
	free(big);
	free(zf.buf);
	free(fa.buf);
	free(loops.buf);
	free(noprog.buf);
}

static void test_lock(void)
{
	char dir[600], err[512], want[700];
	int fd = -1, fd2 = -1, ret;

	snprintf(dir, sizeof(dir), "%s/run/xfo", scratch);
	ret = xfod_lock__take(dir, &fd, err, sizeof(err));
	check("lock_taken_run_dir_made", ret == 0 && fd >= 0, "ret %d, '%s'",
	      ret, err);
	/* flock conflicts between open file descriptions, even in one
	 * process: the same as a second xfod. */
	ret = xfod_lock__take(dir, &fd2, err, sizeof(err));
	snprintf(want, sizeof(want), "another xfod is running: pid %ld holds "
		 "the lock %s/" XFOD_LOCK_FILE, (long)getpid(), dir);
	check("lock_held_names_pid_and_file", ret == -EBUSY && fd2 == -1 &&
	      !strcmp(err, want), "ret %d, '%s' (want '%s')", ret, err, want);
	if (fd >= 0)
		close(fd);
	ret = xfod_lock__take(dir, &fd2, err, sizeof(err));
	check("lock_free_once_the_holder_closes", ret == 0, "ret %d, '%s'",
	      ret, err);
	if (fd2 >= 0)
		close(fd2);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s BUILD_DIR SCRATCH_DIR SHA256\n",
			argv[0]);
		return 2;
	}
	build = argv[1];
	scratch = argv[2];
	zero_fill_sha = argv[3];
	snprintf(state_dir, sizeof(state_dir), "%s/lib/xfo", scratch);
	snprintf(pol_dir, sizeof(pol_dir), "%s/" XFOD_POLICY_DIR, state_dir);
	test_sha256();
	test_store();
	test_lock();
	return failures ? 1 : 0;
}
