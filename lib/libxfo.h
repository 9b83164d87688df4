/* SPDX-License-Identifier: MIT */
/*
 * libxfo: the userspace library of xfo, used by xfoctl, xfod and the tests.
 * It opens policy objects, verifies them with the same core/ verifier Xen
 * runs and runs them in the userspace interpreter.
 *
 * Naming follows libbpf: xfo_<object>__<verb>(). Functions that can fail
 * return 0 or a negative errno value and, where they take one, write a
 * one-line reason into the caller's err buffer (always NUL-terminated).
 * Internal headers (lib/<name>_internal.h) are not part of this interface.
 */
#ifndef LIBXFO_H
#define LIBXFO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xfo.h>
#include <io/xfo.h>
#include <xfo_core.h>

/* ------------------------------------------------------------------------
 * Policy objects: ELF files built with clang -target bpf (lib/object.c).
 * A program is a function in a section named "xfo" or "xfo/<anything>";
 * maps are libbpf BTF-defined maps in ".maps" of type BPF_MAP_TYPE_ARRAY
 * with 4-byte keys. Map references are rewritten to LDDW with src_reg
 * XFO_PSEUDO_MAP_IDX and imm the map's index.
 * ------------------------------------------------------------------------ */
struct xfo_object;
struct xfo_program;

int xfo_object__open_file(const char *path, struct xfo_object **obj,
                          char *err, size_t err_size);
int xfo_object__open_mem(const void *buf, size_t size, const char *name,
                         struct xfo_object **obj, char *err, size_t err_size);
/* Little-endian bytecode, 8 bytes an instruction; one program, no maps.
 * The program is named after the file up to its first '.', in "xfo". */
int xfo_object__open_raw(const char *path, struct xfo_object **obj,
                         char *err, size_t err_size);
void xfo_object__close(struct xfo_object *obj);

const char *xfo_object__name(const struct xfo_object *obj);
uint32_t xfo_object__prog_cnt(const struct xfo_object *obj);
/* NULL when idx is out of range. */
const struct xfo_program *xfo_object__prog(const struct xfo_object *obj,
                                           uint32_t idx);
/* NULL when there is no program of that name. */
const struct xfo_program *xfo_object__find_prog(const struct xfo_object *obj,
                                                const char *name);
uint32_t xfo_object__map_cnt(const struct xfo_object *obj);
/* NULL when the object has no maps. */
const struct xfo_map_def *xfo_object__maps(const struct xfo_object *obj);

const char *xfo_program__name(const struct xfo_program *prog);
const char *xfo_program__section(const struct xfo_program *prog);
const struct ebpf_insn *xfo_program__insns(const struct xfo_program *prog);
uint32_t xfo_program__insn_cnt(const struct xfo_program *prog);
/* The program's bytecode (core/): its instructions and its object's maps. */
void xfo_program__bytecode(const struct xfo_program *prog,
                           struct xfo_bytecode *out);

/* ------------------------------------------------------------------------
 * Verification (lib/verify.c): xfo_verify() with a workspace allocated
 * here. log may be NULL. Returns what xfo_verify() returns.
 * ------------------------------------------------------------------------ */
int xfo_bytecode__verify(const struct xfo_bytecode *prog, char *log,
                         size_t log_size, uint32_t log_level,
                         struct xfo_verifier_stats *stats);

/* ------------------------------------------------------------------------
 * Running in userspace (lib/runner.c): map storage, a trace buffer and the
 * helpers, as Xen provides them, around the core interpreter.
 * ------------------------------------------------------------------------ */
struct xfo_runner;

int xfo_runner__new(const struct xfo_bytecode *prog,
                    struct xfo_runner **runner, char *err, size_t err_size);
void xfo_runner__free(struct xfo_runner *runner);
/* checked: run with every memory access bounds-checked. */
int xfo_runner__run(struct xfo_runner *runner,
                    const struct xfo_fault_ctx *ctx, bool checked,
                    uint64_t *verdict, struct xfo_vm_result *res);
/* The map value at key, or NULL when out of range. */
void *xfo_runner__map_value(struct xfo_runner *runner, uint32_t map,
                            uint32_t key);
/* Makes time_ns() return ns (fixed) or the clock again (!fixed), for runs
 * that must repeat exactly: tests and the fuzzer. */
void xfo_runner__set_time(struct xfo_runner *runner, bool fixed, uint64_t ns);
/* Trace records so far, in XFOOP_trace_read's format (a u32 length, the
 * bytes, padding to 4: xfo_trace_append()); returns bytes. */
size_t xfo_runner__trace(const struct xfo_runner *runner, const void **buf);
/* The prepared machine (program fused by xfo_vm_fuse(), stack, maps,
 * helpers) that xfo_runner__run() runs unchecked, for running it through
 * another build of the unchecked interpreter (bench/, the fuzzer). */
const struct xfo_vm *xfo_runner__vm(const struct xfo_runner *runner);

/* ------------------------------------------------------------------------
 * Xen (lib/xen.c): the xfo hypercall, HYPERVISOR_xfo_op, issued from dom0
 * through libxencall (link with -lxencall). Every pointer Xen sees, the op
 * struct and the pointers inside it, is a hypercall buffer allocated here:
 * callers pass ordinary memory, and OUT fields are copied back.
 *
 * Functions return 0 or a negative errno value: Xen's own (-ESRCH,
 * -EEXIST, ...) or a local one (-ENOMEM, -EINVAL for a bad argument).
 * After a failure xfo_xen__errstr() is a sentence naming the domain or
 * program and the errno, e.g. "no domain 7 (ESRCH)".
 * ------------------------------------------------------------------------ */
struct xfo_xen;

/* Opens /dev/xen/privcmd. Fails with a reason in err when this is not a
 * Xen domain with privcmd, or when it may not be opened (not root). */
int xfo_xen__open(struct xfo_xen **x, char *err, size_t err_size);
void xfo_xen__close(struct xfo_xen *x);
/* What the last failed call of x meant; "" before any failure. */
const char *xfo_xen__errstr(const struct xfo_xen *x);

int xfo_xen__version(struct xfo_xen *x, struct xfo_op_version *ver);
/*
 * XFOOP_load: copies prog (instructions and map definitions) to Xen, which
 * verifies it again. name (NULL: "") is cut to XFO_NAME_LEN - 1 bytes. On
 * success *prog_id is the handle for attach and unload. log (may be NULL)
 * gets Xen's verifier log when Xen refuses the program (-EINVAL), always
 * NUL-terminated; "" otherwise.
 */
int xfo_xen__load(struct xfo_xen *x, const struct xfo_bytecode *prog,
		  const char *name, uint32_t *prog_id, char *log,
		  size_t log_size);
int xfo_xen__unload(struct xfo_xen *x, uint32_t prog_id);
/* replace: XFO_ATTACH_REPLACE; *old_prog_id (may be NULL) is the program
 * replaced, or 0. Without it a domain with a program gives -EEXIST. */
int xfo_xen__attach(struct xfo_xen *x, uint16_t domid, uint32_t prog_id,
		    bool replace, uint32_t *old_prog_id);
int xfo_xen__detach(struct xfo_xen *x, uint16_t domid);
int xfo_xen__stats(struct xfo_xen *x, uint16_t domid,
		   struct xfo_op_stats *st);
int xfo_xen__stats_reset(struct xfo_xen *x, uint16_t domid);
/* Takes whole records (u32 length, bytes, padded to 4) out of the
 * domain's trace buffer into buf; *len bytes written, *dropped records
 * lost to a full buffer so far (either may be NULL). */
int xfo_xen__trace_read(struct xfo_xen *x, uint16_t domid, void *buf,
			size_t size, uint32_t *len, uint32_t *dropped);
/*
 * XFOOP_map_guest_areas: Xen maps the region table, pool ring and
 * completion ring the guest areas->domid published (after the xenstore
 * handshake, below) and notes its event channel. Padding is sent as zero
 * whatever areas holds. XFOOP_unmap_guest_areas: Xen stops using them.
 */
int xfo_xen__map_guest_areas(struct xfo_xen *x,
			     const struct xfo_op_guest_areas *areas);
int xfo_xen__unmap_guest_areas(struct xfo_xen *x, uint16_t domid);
/*
 * XFOOP_prog_list: every program loaded in Xen, in ascending id order, in
 * a malloc'd array (*progs, free() it; NULL when there are none) of *nr.
 * Asks as often as it takes (the list may change in between: each id
 * once, none missed that stayed loaded throughout).
 */
int xfo_xen__prog_list(struct xfo_xen *x, struct xfo_prog_info **progs,
		       uint32_t *nr);
/*
 * For tests that send malformed requests: copies size bytes at arg (NULL
 * and 0: a NULL argument) to a hypercall buffer, issues op cmd and copies
 * the buffer back. Returns what Xen returned. Pointers inside arg must be
 * buffers from xfo_xen__buf_alloc().
 */
int xfo_xen__raw_op(struct xfo_xen *x, unsigned int cmd, void *arg,
		    size_t size);
void *xfo_xen__buf_alloc(struct xfo_xen *x, size_t size);
void xfo_xen__buf_free(struct xfo_xen *x, void *p);

/* The message xfo_xen__errstr() gives for err from op cmd. */
void xfo_xen__strerror(unsigned int cmd, int err, uint16_t domid,
		       uint32_t prog_id, char *buf, size_t size);
/* "load" for XFOOP_load; NULL for an unknown op. */
const char *xfo_xen__op_name(unsigned int cmd);
/* Lowercase names as in xfo.h: "pool_empty" for XFO_BOUNCE_POOL_EMPTY,
 * "zero_fill" for XFO_CLASS_ZERO_FILL; NULL when out of range. */
const char *xfo_bounce_reason_name(unsigned int reason);
const char *xfo_class_name(unsigned int cls);

/* ------------------------------------------------------------------------
 * The guest handshake (lib/guest_handshake.c), dom0's side: the keys a
 * guest's module publishes in /local/domain/<domid>/XFO_XS_DIR (io/xfo.h,
 * docs/guest.md), read through libxenstore (link with -lxenstore) and
 * checked, and dom0's answer in backend-state. Every value is the
 * guest's, untrusted: exact syntax, ranges, no NUL bytes.
 * ------------------------------------------------------------------------ */
/* x86-64 machine frames: 52-bit physical addresses. */
#define XFO_GUEST_FRAME_MAX	((1ull << 40) - 1)
/* The last port of the FIFO event channel ABI. */
#define XFO_GUEST_EVTCHN_MAX	((1u << 17) - 1)
#define XFO_GUEST_ERR_LEN	256

/* The keys, in the order xfo_guest__parse() takes their values. */
enum xfo_guest_key {
	XFO_GK_STATE,
	XFO_GK_VERSION,
	XFO_GK_TABLE,
	XFO_GK_POOL,
	XFO_GK_COMPLETION,
	XFO_GK_EVTCHN,		/* the last of the guest's keys */
	XFO_GK_BACKEND_STATE,	/* dom0's */
	XFO_GK_BACKEND_ERROR,
	XFO_GK_NR
};

struct xfo_guest_keys {
	uint16_t domid;
	uint32_t state;			/* XFO_XS_STATE_*, as the guest wrote */
	uint32_t version;		/* the rest: valid from state 3 on */
	uint64_t region_table_frame;
	uint64_t pool_ring_frame;
	uint64_t completion_ring_frame;
	uint32_t evtchn;
	int backend_state;		/* dom0's last answer; -1: none */
	char backend_error[XFO_GUEST_ERR_LEN];	/* quoted printable */
	/* The guest's keys as read, for xfo_guest__answer(). */
	bool raw_present[XFO_GK_EVTCHN + 1];
	char raw[XFO_GK_EVTCHN + 1][40];
};

/* "state" for XFO_GK_STATE; NULL when out of range. */
const char *xfo_guest__key_name(unsigned int key);
/* "Initialised" for 3; "Unknown" when out of range. */
const char *xfo_guest__state_name(unsigned int state);

/*
 * Parses the values of the keys (val[key], NUL-terminated, NULL when the
 * key is absent). Returns 0 and *k filled (in a state before 3 only state
 * and dom0's keys), -ENOENT when state is missing, -EINVAL with a sentence
 * naming the key and its value in err when a key is missing or malformed.
 */
int xfo_guest__parse(const char *const val[XFO_GK_NR], uint16_t domid,
		     struct xfo_guest_keys *k, char *err, size_t err_size);
/* Whether Xen may be asked to map k: 0; -EAGAIN when the guest is not in
 * state 3 (Initialised); -EPROTO when its interface major is not ours. */
int xfo_guest__check(const struct xfo_guest_keys *k, char *err,
		     size_t err_size);

struct xfo_xs;

int xfo_xs__open(struct xfo_xs **xs, char *err, size_t err_size);
void xfo_xs__close(struct xfo_xs *xs);
/* What the last failed call of xs meant. */
const char *xfo_xs__errstr(const struct xfo_xs *xs);

/*
 * Reads domid's keys in one xenstore transaction and parses them. 0, or
 * -ESRCH (no such domain in xenstore), -ENOENT (nothing published, or no
 * state yet), -EINVAL (a malformed key: the guest is to be refused), or
 * another negative errno from xenstore; xfo_xs__errstr() says which.
 */
int xfo_guest__read(struct xfo_xs *xs, uint16_t domid,
		    struct xfo_guest_keys *k);
/*
 * xfo_guest__read() and xfo_guest__check() every 100 ms until the guest
 * is ready (0), timeout_ms has passed (-EAGAIN, -ENOENT or -ESRCH as last
 * read), a key is malformed (-EINVAL), the major differs (-EPROTO) or
 * xenstore fails. Also returns -EAGAIN at once when the guest is in
 * state 4 with dom0's backend-state 4: connected already.
 */
int xfo_guest__wait(struct xfo_xs *xs, uint16_t domid, unsigned int timeout_ms,
		    struct xfo_guest_keys *k);
/*
 * dom0's answer: backend_state XFO_XS_STATE_CONNECTED (backend-error removed)
 * or XFO_XS_STATE_CLOSED with error in backend-error, written in one
 * transaction that first checks the guest's keys are still those k was
 * read from: -ESTALE when they are not or are gone (nothing written).
 */
int xfo_guest__answer(struct xfo_xs *xs, const struct xfo_guest_keys *k,
		      unsigned int backend_state, const char *error);

/*
 * The whole of dom0's side for one guest, as `xfoctl domain connect` runs
 * it: xfo_guest__wait() up to timeout_ms, XFOOP_map_guest_areas, and the
 * answer. The outcome:
 */
enum xfo_guest_outcome {
	XFO_GUEST_CONNECTED,	/* Xen has the areas; backend-state 4 */
	XFO_GUEST_ALREADY,	/* guest and dom0 said 4 and Xen had the
				 * areas: nothing done */
	XFO_GUEST_REFUSED,	/* malformed keys, another major, or Xen
				 * refused them: backend-state 6 */
	XFO_GUEST_FAILED,	/* nothing answered: not ready, or xenstore
				 * or Xen failed */
};

/* How long xfo_guest__connect() looks for the guest's move to 4. */
#define XFO_GUEST_CONNECTED_LOOK_MS	3000

struct xfo_guest_connection {
	enum xfo_guest_outcome outcome;
	struct xfo_guest_keys keys;	/* as last read */
	int map_rc;			/* XFOOP_map_guest_areas; 1: not issued */
	uint32_t guest_state;		/* CONNECTED: the guest's state once it
					 * moved to 4, or after the look */
	bool answered;			/* REFUSED: backend-state 6 written */
	char reason[XFO_GUEST_ERR_LEN];	/* REFUSED: the backend-error */
	char err[2 * XFO_GUEST_ERR_LEN];	/* REFUSED, FAILED: the message */
};

/*
 * Returns 0 (CONNECTED, ALREADY) or a negative errno (REFUSED, FAILED;
 * c->err says why). When backend-state 4 cannot be written the areas are
 * unmapped again: no guest would know they are in use.
 */
int xfo_guest__connect(struct xfo_xen *x, struct xfo_xs *xs, uint16_t domid,
		       unsigned int timeout_ms, struct xfo_guest_connection *c);
/*
 * XFOOP_unmap_guest_areas; then, when dom0 had answered 4, backend-state 6
 * with "dom0 disconnected the areas" (*answered). Returns 0 once Xen let
 * go of the areas, with warn (may be NULL) saying why the answer that was
 * due is not written, "" otherwise; or Xen's error (xfo_xen__errstr()).
 * xs may be NULL: nothing is written.
 */
int xfo_guest__disconnect(struct xfo_xen *x, struct xfo_xs *xs,
			  uint16_t domid, bool *answered, char *warn,
			  size_t warn_size);

#endif /* LIBXFO_H */
