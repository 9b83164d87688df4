/* SPDX-License-Identifier: MIT */
/*
 * The one shim between core/ and its host, in the manner of Xen's
 * x86_emulate/private.h. core/ sources include only this header (and
 * core headers), so the same files build:
 *   - inside Xen (__XEN__): types, errno values and string functions from Xen;
 *   - freestanding (XFO_CORE_FREESTANDING, -ffreestanding -nostdinc): the
 *     compile check that core depends on nothing but this header;
 *   - in userspace: the library, tools, tests and fuzzer.
 * Everywhere libc's allocation, I/O and formatting names are poisoned: core
 * never allocates, never prints, and reports through the caller's log.
 */
#ifndef XFO_CORE_PRIVATE_H
#define XFO_CORE_PRIVATE_H

#if defined(__XEN__)

#include <xen/types.h>
#include <xen/errno.h>
#include <xen/nospec.h>
#include <xen/stdarg.h>
#include <xen/string.h>

/*
 * Xen's errno list has no ELOOP; the interpreter uses it only in struct
 * xfo_vm_result, never towards a guest.
 */
#ifndef ELOOP
#define ELOOP 40
#endif

/*
 * Retpolines make every indirect jump a thunk call: the interpreter then
 * dispatches through a switch (core/interp.c says why).
 */
#ifdef CONFIG_INDIRECT_THUNK
#define XFO_INTERP_SWITCH 1
#endif

#elif defined(XFO_CORE_FREESTANDING)

typedef __UINT8_TYPE__   uint8_t;
typedef __UINT16_TYPE__  uint16_t;
typedef __UINT32_TYPE__  uint32_t;
typedef __UINT64_TYPE__  uint64_t;
typedef __INT8_TYPE__    int8_t;
typedef __INT16_TYPE__   int16_t;
typedef __INT32_TYPE__   int32_t;
typedef __INT64_TYPE__   int64_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __SIZE_TYPE__    size_t;
typedef _Bool            bool;
#define true  1
#define false 0
#define NULL  ((void *)0)

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type)   __builtin_va_arg(ap, type)
#define va_end(ap)         __builtin_va_end(ap)

#define EPERM       1
#define ENOENT      2
#define E2BIG       7
#define EFAULT     14
#define EINVAL     22
#define ENOSPC     28
#define ERANGE     34
#define ELOOP      40
#define EOPNOTSUPP 95

#else /* userspace */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#endif

#ifdef __XEN__
#include <public/xfo.h>
#else
#include <xfo.h>
#endif

/*
 * An index below n that stays below n under speculation too: map keys and
 * handles come from guest-influenced programs (Xen's array_index_nospec;
 * plain in userspace, which is no speculation boundary).
 */
#ifdef __XEN__
#define xfo_index_nospec(i, n) array_index_nospec(i, n)
#else
#define xfo_index_nospec(i, n) (i)
#endif

/* Map values are shared by every vCPU running the program. */
#define xfo_atomic_add_fetch(p, v) __atomic_add_fetch(p, v, __ATOMIC_RELAXED)

/* Core code copies and clears with these; the compiler inlines them. */
#define xfo_memset(d, c, n) __builtin_memset(d, c, n)
#define xfo_memcpy(d, s, n) __builtin_memcpy(d, s, n)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef __XEN__
/* core/ must not allocate, print or touch files: the caller does that. */
#pragma GCC poison malloc calloc realloc free strdup
#pragma GCC poison printf fprintf sprintf snprintf vprintf vsnprintf puts
#pragma GCC poison fopen fclose fread fwrite exit abort
#endif

#endif /* XFO_CORE_PRIVATE_H */
