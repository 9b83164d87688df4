/* SPDX-License-Identifier: MIT */
/*
 * xfo.h: the public interface of xfo, eBPF page-fault offload for Xen PV.
 *
 * One header for every party: Xen (as xen/include/public/xfo.h), the dom0
 * tools, the guest kernel module and BPF policies. Everything here is
 * fixed width with explicit padding, so 32- and 64-bit parties agree on
 * every offset. Padding and reserved fields are IN fields that must be zero;
 * they are checked, so they can be given meaning in later versions.
 *
 * Compatibility: XFO_INTERFACE_VERSION is major << 16 | minor. A minor bump
 * only gives meaning to reserved fields or adds ops; a major bump breaks.
 */

#ifndef __XFO_PUBLIC_H__
#define __XFO_PUBLIC_H__

#if defined(__XEN__) || defined(__XEN_TOOLS__) || defined(XFO_CORE_FREESTANDING)
/* Xen, its tools and core/'s freestanding shim provide the integer types. */
#elif defined(__KERNEL__)
#include <linux/types.h>
#elif defined(__bpf__)
/* BPF policies include <linux/types.h> or define the types themselves. */
#else
#include <stdint.h>
#endif

#define XFO_INTERFACE_VERSION      0x00010001u
#define XFO_INTERFACE_MAJOR(v)     ((v) >> 16)
#define XFO_INTERFACE_MINOR(v)     ((v) & 0xffffu)

/* ------------------------------------------------------------------------
 * The fault context: what an offload program sees in r1. Read-only.
 * ------------------------------------------------------------------------ */

/* x86 #PF error code bits, as the CPU reports them. */
#define XFO_PFEC_PRESENT    (1u << 0)   /* page was present: protection fault */
#define XFO_PFEC_WRITE      (1u << 1)
#define XFO_PFEC_USER       (1u << 2)
#define XFO_PFEC_RSVD       (1u << 3)
#define XFO_PFEC_INSN       (1u << 4)
#define XFO_PFEC_PK         (1u << 5)

#define XFO_MODE_KERNEL     0
#define XFO_MODE_USER       1

/* Region protection (xfo_fault_ctx.region_prot, xfo_region.prot). */
#define XFO_PROT_READ       (1u << 0)
#define XFO_PROT_WRITE      (1u << 1)
#define XFO_PROT_EXEC       (1u << 2)

/*
 * Fault classes: what Xen may do for a fault. A region lists the classes
 * its owner allows (region_classes); a verdict names one class.
 */
#define XFO_CLASS_BOUNCE        0   /* hand the fault to the guest kernel */
#define XFO_CLASS_ZERO_FILL     1   /* map one zeroed pool page */
#define XFO_CLASS_FAULT_AROUND  2   /* ZERO_FILL plus up to n neighbours */
#define XFO_CLASS_MAX           2   /* classes 3..255 are reserved */
#define XFO_CLASS_BIT(c)        (1u << (c))

#define XFO_REGION_NONE     0xffffffffu  /* region_id when outside all regions */

struct xfo_fault_ctx {
    uint64_t addr;            /* faulting linear address (%cr2) */
    uint64_t ip;              /* guest instruction pointer */
    uint32_t error_code;      /* XFO_PFEC_* */
    uint32_t vcpu;            /* vCPU id within the domain */
    uint16_t domid;
    uint8_t  mode;            /* XFO_MODE_* */
    uint8_t  pad0;            /* not readable */
    uint32_t region_id;       /* XFO_REGION_NONE if none */
    uint64_t region_start;    /* [start, end) of the region, page aligned */
    uint64_t region_end;
    uint32_t region_prot;     /* XFO_PROT_* */
    uint32_t region_classes;  /* XFO_CLASS_BIT() mask the region allows */
    uint32_t pool_level;      /* frames ready in the free-page pool */
    uint32_t pool_size;       /* capacity of the pool ring */
};                            /* 64 bytes */

/* ------------------------------------------------------------------------
 * Verdicts: r0 at exit. Bits 0-7 the class, bits 8-15 its argument,
 * bits 16-63 zero. Anything else is a program error and the fault bounces.
 * ------------------------------------------------------------------------ */
#define XFO_VERDICT(cls, arg)       ((uint64_t)(cls) | ((uint64_t)(arg) << 8))
#define XFO_VERDICT_CLASS(v)        ((uint32_t)((v) & 0xff))
#define XFO_VERDICT_ARG(v)          ((uint32_t)(((v) >> 8) & 0xff))
#define XFO_VERDICT_VALID(v)        (((v) >> 16) == 0 && \
                                     XFO_VERDICT_CLASS(v) <= XFO_CLASS_MAX)

#define XFO_VERDICT_BOUNCE          XFO_VERDICT(XFO_CLASS_BOUNCE, 0)
#define XFO_VERDICT_ZERO_FILL       XFO_VERDICT(XFO_CLASS_ZERO_FILL, 0)
/* n: how many neighbouring pages to fill besides the faulting one. */
#define XFO_VERDICT_FAULT_AROUND(n) XFO_VERDICT(XFO_CLASS_FAULT_AROUND, (n))
#define XFO_FAULT_AROUND_MAX        16

/* ------------------------------------------------------------------------
 * Programs, maps and helpers.
 * ------------------------------------------------------------------------ */
#define XFO_MAX_INSNS        4096
#define XFO_STACK_SIZE       512
#define XFO_MAX_MAPS         8
#define XFO_MAP_MAX_ENTRIES  1024
#define XFO_MAP_MAX_VALUE    256      /* bytes */
#define XFO_NAME_LEN         32       /* including the NUL */

/*
 * An array map: max_entries values of value_size bytes, zero at load, keyed
 * by a u32 index. Programs never get a pointer into it: helpers copy values
 * into and out of the program's stack, so no Xen address is ever exposed.
 */
#define XFO_MAP_ARRAY        1

struct xfo_map_def {
    uint32_t type;            /* XFO_MAP_* */
    uint32_t key_size;        /* must be 4 */
    uint32_t value_size;      /* 1..XFO_MAP_MAX_VALUE, a multiple of 8 */
    uint32_t max_entries;     /* 1..XFO_MAP_MAX_ENTRIES */
    char     name[XFO_NAME_LEN];
};

/*
 * A map reference in a program is an LDDW with src_reg XFO_PSEUDO_MAP_IDX
 * and imm the map's index in the program's map table (the loader rewrites
 * libbpf's relocations into this form). The register holds an opaque handle.
 */
#define XFO_PSEUDO_MAP_IDX   1

/*
 * Helper IDs and prototypes. Argument kinds are checked by the verifier:
 *   map      a map handle from LDDW (XFO_PSEUDO_MAP_IDX)
 *   buf      a pointer into the program's stack, followed by a constant size
 * Helpers return 0 or a negative errno unless said otherwise.
 */
enum xfo_helper_id {
    XFO_HELPER_UNSPEC      = 0,
    /* long map_read(map, u32 key, void *buf, u32 size): copy value out. */
    XFO_HELPER_MAP_READ    = 1,
    /* long map_write(map, u32 key, const void *buf, u32 size): copy in. */
    XFO_HELPER_MAP_WRITE   = 2,
    /* u64 map_add(map, u32 key, u64 delta): atomic add to the value's
     * first 8 bytes; returns the new value, or 0 if key is out of range. */
    XFO_HELPER_MAP_ADD     = 3,
    /* u64 time_ns(void): monotonic nanoseconds (Xen's NOW()). */
    XFO_HELPER_TIME_NS     = 4,
    /* long trace(const void *buf, u32 size): append a record to the
     * domain's bounded trace buffer; -ENOSPC when it is full. */
    XFO_HELPER_TRACE       = 5,
    XFO_HELPER_MAX         = 5,
};
#define XFO_TRACE_MAX_RECORD 64        /* bytes per trace() call */

/* ------------------------------------------------------------------------
 * The hypercall: HYPERVISOR_xfo_op(unsigned int cmd, void *arg), a new
 * hypercall number of its own (the first one Xen 4.17 leaves free), so a
 * PV guest can reach XFOOP_unmap_guest_areas too. Every op but that one
 * and XFOOP_sync_guest_areas is for the control domain; a guest may unmap
 * its own areas and wait for Xen's faults in them to end (DOMID_SELF).
 * Pointers inside the argument structs are virtual addresses in the
 * caller, as for every PV hypercall. Every op returns 0 or a negative Xen
 * errno value.
 * ------------------------------------------------------------------------ */
#define __HYPERVISOR_xfo_op     43
#define XFOOP_version           0   /* struct xfo_op_version */
#define XFOOP_load              1   /* struct xfo_op_load */
#define XFOOP_attach            2   /* struct xfo_op_attach */
#define XFOOP_detach            3   /* struct xfo_op_domain */
#define XFOOP_stats             4   /* struct xfo_op_stats */
#define XFOOP_stats_reset       5   /* struct xfo_op_domain */
#define XFOOP_map_guest_areas   6   /* struct xfo_op_guest_areas */
#define XFOOP_unload            7   /* struct xfo_op_unload */
#define XFOOP_trace_read        8   /* struct xfo_op_trace */
#define XFOOP_unmap_guest_areas 9   /* struct xfo_op_domain */
/* 10 is never assigned: 1.0's probes use it as the unknown op. */
#define XFOOP_prog_list         11  /* struct xfo_op_prog_list, since 1.1 */
#define XFOOP_sync_guest_areas  12  /* struct xfo_op_domain, since 1.1 */

#define XFO_CAP_ZERO_FILL       (1u << 0)
#define XFO_CAP_FAULT_AROUND    (1u << 1)
#define XFO_CAP_MAPS            (1u << 2)
#define XFO_CAP_TRACE           (1u << 3)

struct xfo_op_version {
    uint32_t version;         /* OUT: XFO_INTERFACE_VERSION */
    uint32_t caps;            /* OUT: XFO_CAP_* */
    uint32_t max_insns;       /* OUT */
    uint32_t max_maps;        /* OUT */
};

/* A guest handle, 64-bit on every side as in Xen's 64-bit ABIs. */
typedef uint64_t xfo_guest_ptr_t;

struct xfo_op_load {
    xfo_guest_ptr_t insns;    /* IN: array of insn_cnt 8-byte eBPF insns */
    xfo_guest_ptr_t maps;     /* IN: array of map_cnt struct xfo_map_def */
    xfo_guest_ptr_t log;      /* IN: buffer for the verifier log, or 0 */
    uint32_t insn_cnt;        /* IN */
    uint32_t map_cnt;         /* IN */
    uint32_t log_size;        /* IN: bytes at log */
    uint32_t log_len;         /* OUT: bytes written, NUL included */
    char     name[XFO_NAME_LEN]; /* IN: NUL-terminated, for statistics */
    uint32_t prog_id;         /* OUT: handle for attach and unload */
    uint32_t pad;             /* IN: zero */
};

#define XFO_ATTACH_REPLACE      (1u << 0)  /* replace an attached program */

struct xfo_op_attach {
    uint16_t domid;           /* IN */
    uint16_t pad;             /* IN: zero */
    uint32_t flags;           /* IN: XFO_ATTACH_* */
    uint32_t prog_id;         /* IN */
    uint32_t old_prog_id;     /* OUT: the replaced program, or 0 */
};

struct xfo_op_domain {
    uint16_t domid;           /* IN */
    uint16_t pad[3];          /* IN: zero */
};

struct xfo_op_unload {
    uint32_t prog_id;         /* IN */
    uint32_t pad;             /* IN: zero */
};

/* Takes records out of a domain's trace buffer: each record is a uint32_t
 * length followed by that many bytes, padded to 4 bytes. */
struct xfo_op_trace {
    xfo_guest_ptr_t buf;      /* IN */
    uint32_t size;            /* IN: bytes at buf */
    uint32_t len;             /* OUT: bytes written (whole records only) */
    uint32_t dropped;         /* OUT: records lost to a full buffer so far */
    uint16_t domid;           /* IN */
    uint16_t pad;             /* IN: zero */
};

/* xfo_prog_info.domid of a program attached to no domain (DOMID_INVALID). */
#define XFO_DOMID_NONE          0x7ff4u

/* A loaded program, as XFOOP_prog_list reports it. */
struct xfo_prog_info {
    uint32_t prog_id;         /* OUT */
    uint32_t insn_cnt;        /* OUT */
    uint32_t map_cnt;         /* OUT */
    uint32_t users;           /* OUT: domains it is attached to */
    uint16_t domid;           /* OUT: the lowest of them, or XFO_DOMID_NONE */
    uint16_t pad[3];          /* OUT: zero */
    char     name[XFO_NAME_LEN]; /* OUT: NUL-terminated */
};                            /* 56 bytes */

/*
 * The loaded programs whose id is first_id or above, in ascending id
 * order: the first max of them go to progs. A caller that got nr < total
 * asks again with first_id one above the last id it got.
 */
struct xfo_op_prog_list {
    xfo_guest_ptr_t progs;    /* IN: room for max struct xfo_prog_info */
    uint32_t max;             /* IN: entries at progs; 0 counts only */
    uint32_t first_id;        /* IN */
    uint32_t nr;              /* OUT: entries written, at most max */
    uint32_t total;           /* OUT: programs loaded with id >= first_id */
    uint32_t flags;           /* IN: zero (none defined) */
    uint32_t pad;             /* IN: zero */
};                            /* 32 bytes */

/* Why a fault the program wanted offloaded went to the guest after all. */
enum xfo_bounce_reason {
    XFO_BOUNCE_VERDICT = 0,   /* the program said BOUNCE */
    XFO_BOUNCE_PROG_ERROR,    /* invalid verdict or runtime error */
    XFO_BOUNCE_NOT_IN_REGION,
    XFO_BOUNCE_CLASS_DENIED,  /* the region does not allow the class */
    XFO_BOUNCE_PRESENT,       /* protection fault, not a missing page */
    XFO_BOUNCE_KERNEL_MODE,
    XFO_BOUNCE_NO_L1,         /* no L1 page table for the address */
    XFO_BOUNCE_POOL_EMPTY,
    XFO_BOUNCE_BAD_FRAME,     /* a pool entry failed validation */
    XFO_BOUNCE_PTE_UPDATE,    /* Xen's L1 update path refused */
    XFO_BOUNCE_NOT_BUILT,     /* resolver not built in this Xen */
    /* Since 1.1 (1.0 counted them in POOL_EMPTY and CLASS_DENIED): */
    XFO_BOUNCE_RING_FULL,     /* no room in the completion ring */
    XFO_BOUNCE_PROT_DENIED,   /* the region's protection forbids the access */
    XFO_BOUNCE_NR             /* entries of xfo_stats.bounced[] */
};

/* xfo_stats.flags: the domain's state when the counters were read. */
#define XFO_STATS_F_AREAS_MAPPED  (1u << 0)  /* Xen has the guest's areas */

struct xfo_stats {
    uint64_t faults_seen;     /* #PFs that reached the hook */
    uint64_t prog_runs;
    uint64_t prog_errors;
    uint64_t prog_insns;      /* instructions executed in programs */
    uint64_t prog_ns;         /* time spent in programs */
    uint64_t verdicts[XFO_CLASS_MAX + 1];
    uint64_t resolved;        /* faults Xen resolved itself */
    uint64_t pages_installed; /* including fault-around neighbours */
    /*
     * 1.1 gave meaning to four of 1.0's five reserved words, which a 1.0
     * Xen leaves zero: bounced[RING_FULL], bounced[PROT_DENIED],
     * notifications and flags. Nothing else moved.
     */
    uint64_t bounced[XFO_BOUNCE_NR];
    uint64_t notifications;   /* refill events sent to the guest */
    uint64_t flags;           /* XFO_STATS_F_*: not a counter, not reset */
    uint64_t reserved[1];     /* zero */
};                            /* 208 bytes */

struct xfo_op_stats {
    uint16_t domid;           /* IN */
    uint16_t pad;             /* IN: zero */
    uint32_t prog_id;         /* OUT: the attached program, or 0 */
    char     prog_name[XFO_NAME_LEN]; /* OUT */
    struct xfo_stats stats;   /* OUT: summed over the domain's vCPUs */
};

/*
 * The pages of io/xfo_areas.h: the guest publishes their frames and its
 * port in xenstore, in the handshake of io/xfo.h; the control domain hands
 * them to Xen here.
 */
struct xfo_op_guest_areas {
    uint64_t region_table_frame;    /* IN */
    uint64_t pool_ring_frame;       /* IN */
    uint64_t completion_ring_frame; /* IN */
    uint32_t evtchn;                /* IN: port Xen notifies for refills */
    uint32_t version;               /* IN: the guest's XFO_INTERFACE_VERSION */
    uint16_t domid;                 /* IN: the guest */
    uint16_t pad[3];                /* IN: zero */
};

#endif /* __XFO_PUBLIC_H__ */
