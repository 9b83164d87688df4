/* SPDX-License-Identifier: MIT */
/*
 * Helper prototypes: the one table the verifier checks calls against and
 * the disassembler names calls from, and the trace record format both
 * hosts write. The map helpers run in the interpreter (core/interp.c);
 * time_ns and trace live with their hosts (Xen's hook, lib/runner.c).
 */
#include "private.h"
#include "xfo_core.h"

static const struct xfo_helper_proto protos[XFO_HELPER_MAX + 1] = {
    [XFO_HELPER_MAP_READ] = {
        .name = "map_read",
        .args = { XFO_ARG_MAP, XFO_ARG_SCALAR, XFO_ARG_STACK_OUT,
                  XFO_ARG_CONST_SIZE },
        .max_size = XFO_MAP_MAX_VALUE,
    },
    [XFO_HELPER_MAP_WRITE] = {
        .name = "map_write",
        .args = { XFO_ARG_MAP, XFO_ARG_SCALAR, XFO_ARG_STACK_IN,
                  XFO_ARG_CONST_SIZE },
        .max_size = XFO_MAP_MAX_VALUE,
    },
    [XFO_HELPER_MAP_ADD] = {
        .name = "map_add",
        .args = { XFO_ARG_MAP, XFO_ARG_SCALAR, XFO_ARG_SCALAR },
    },
    [XFO_HELPER_TIME_NS] = {
        .name = "time_ns",
    },
    [XFO_HELPER_TRACE] = {
        .name = "trace",
        .args = { XFO_ARG_STACK_IN, XFO_ARG_CONST_SIZE },
        .max_size = XFO_TRACE_MAX_RECORD,
    },
};

const struct xfo_helper_proto *xfo_helper_proto(uint32_t id)
{
    if ( id >= ARRAY_SIZE(protos) || !protos[id].name )
        return NULL;
    return &protos[id];
}

int xfo_trace_append(uint8_t *buf, uint32_t cap, uint32_t *len,
                     const void *data, uint32_t size)
{
    const uint32_t padded = (size + 3) & ~3u;
    const uint32_t need = sizeof(size) + padded;

    if ( !size )
        return -EINVAL;
    if ( size > XFO_TRACE_MAX_RECORD )
        return -E2BIG;
    if ( !data )
        return -EFAULT;
    if ( *len > cap || cap - *len < need )
        return -ENOSPC;

    xfo_memcpy(buf + *len, &size, sizeof(size));
    xfo_memcpy(buf + *len + sizeof(size), data, size);
    xfo_memset(buf + *len + sizeof(size) + size, 0, padded - size);
    *len += need;
    return 0;
}
