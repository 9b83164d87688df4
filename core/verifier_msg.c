/* SPDX-License-Identifier: MIT */
/* The verifier's refusals, and its state dump at XFO_LOG_VERBOSE. */
#include "private.h"
#include "xfo_core.h"
#include "verifier_state.h"

int verifier_refuse(struct verifier *v, uint32_t pc, const char *fmt, ...)
{
    va_list ap;

    xfo_log_printf(v->log, "insn %u: ", pc);
    va_start(ap, fmt);
    xfo_log_vprintf(v->log, fmt, ap);
    va_end(ap);
    xfo_log_printf(v->log, "\n");
    return -EINVAL;
}

const char *verifier_type_name(const struct reg_state *r)
{
    switch ( r->type )
    {
    case REG_UNINIT: return "not initialised";
    case REG_MIXED:  return "of different types on different paths";
    case REG_SCALAR: return "a scalar";
    case REG_CTX:    return "a context pointer";
    case REG_STACK:  return "a stack pointer";
    case REG_MAP:    return "a map handle";
    }
    return "?";
}

void verifier_log_state(struct verifier *v, const struct vstate *st)
{
    unsigned int i;

    if ( !v->log || v->log->level < XFO_LOG_VERBOSE )
        return;

    xfo_log_printf(v->log, "      state:");
    for ( i = 0; i < EBPF_REG_NR; i++ )
    {
        const struct reg_state *r = &st->regs[i];

        switch ( r->type )
        {
        case REG_SCALAR:
            if ( r->known )
                xfo_log_printf(v->log, " R%u=%ld", i, (long)r->val);
            else
                xfo_log_printf(v->log, " R%u=scalar", i);
            break;
        case REG_CTX:
            xfo_log_printf(v->log, " R%u=ctx%+ld", i, (long)r->val);
            break;
        case REG_STACK:
            xfo_log_printf(v->log, " R%u=fp%ld", i, (long)r->val);
            break;
        case REG_MAP:
            xfo_log_printf(v->log, " R%u=map[%ld]", i, (long)r->val);
            break;
        case REG_MIXED:
            xfo_log_printf(v->log, " R%u=mixed", i);
            break;
        }
    }
    xfo_log_printf(v->log, "\n");
}
