/* SPDX-License-Identifier: MIT */
/*
 * The caller-supplied log and the small formatter behind it. core/ has no
 * printf; this covers the conversions core's messages use and no more.
 */
#include "private.h"
#include "xfo_core.h"

struct out {
    char *buf;
    size_t size;
    size_t len;                       /* as if nothing were cut */
};

static void out_char(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
    while ( n-- > 0 )
        out_char(o, c);
}

static void out_number(struct out *o, uint64_t v, char sign,
                       unsigned int base, int width, bool left, bool zero)
{
    char digits[24];
    int n = 0, len;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while ( v );

    len = n + !!sign;
    if ( !left && zero && sign )
        out_char(o, sign);
    if ( !left )
        out_pad(o, zero ? '0' : ' ', width - len);
    if ( (left || !zero) && sign )
        out_char(o, sign);
    while ( n )
        out_char(o, digits[--n]);
    if ( left )
        out_pad(o, ' ', width - len);
}

static void out_format(struct out *o, const char *fmt, va_list ap)
{
    for ( ; *fmt; fmt++ )
    {
        bool left = false, zero = false, plus = false;
        int width = 0, longs = 0;
        const char *s;
        uint64_t u;
        int64_t i;

        if ( *fmt != '%' )
        {
            out_char(o, *fmt);
            continue;
        }

        fmt++;
        for ( ; *fmt == '-' || *fmt == '0' || *fmt == '+'; fmt++ )
        {
            if ( *fmt == '-' )
                left = true;
            else if ( *fmt == '+' )
                plus = true;
            else
                zero = true;
        }
        for ( ; *fmt >= '0' && *fmt <= '9'; fmt++ )
            width = width * 10 + (*fmt - '0');
        for ( ; *fmt == 'l'; fmt++ )
            longs++;

        switch ( *fmt )
        {
        case 's':
            s = va_arg(ap, const char *);
            if ( !s )
                s = "(null)";
            for ( u = 0; s[u]; u++ )
                ;
            if ( !left )
                out_pad(o, ' ', width - (int)u);
            for ( ; *s; s++ )
                out_char(o, *s);
            if ( left )
                out_pad(o, ' ', width - (int)u);
            break;

        case 'c':
            out_char(o, (char)va_arg(ap, int));
            break;

        case 'd':
            i = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_number(o, i < 0 ? -(uint64_t)i : (uint64_t)i,
                       i < 0 ? '-' : plus ? '+' : 0, 10, width, left, zero);
            break;

        case 'u':
        case 'x':
            u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            out_number(o, u, 0, *fmt == 'u' ? 10 : 16, width, left, zero);
            break;

        case '%':
            out_char(o, '%');
            break;

        default:
            /* Unknown conversion: show it rather than guess an argument. */
            out_char(o, '%');
            if ( !*fmt )
                return;
            out_char(o, *fmt);
            break;
        }
    }
}

static size_t format(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size };

    out_format(&o, fmt, ap);
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

int xfo_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = format(buf, size, fmt, ap);
    va_end(ap);
    return (int)len;
}

void xfo_log_init(struct xfo_log *log, char *buf, uint32_t size,
                  uint32_t level)
{
    log->buf = size ? buf : NULL;
    log->size = log->buf ? size : 0;
    log->len = 0;
    log->level = level;
    log->truncated = false;
    if ( log->buf )
        log->buf[0] = '\0';
}

void xfo_log_vprintf(struct xfo_log *log, const char *fmt, va_list ap)
{
    size_t room, need;

    if ( !log || !log->level )
        return;
    if ( !log->buf )
    {
        log->truncated = true;
        return;
    }

    room = log->size - log->len;
    need = format(log->buf + log->len, room, fmt, ap);
    if ( need >= room )
    {
        log->truncated = true;
        log->len = log->size - 1;
    }
    else
        log->len += need;
}

void xfo_log_printf(struct xfo_log *log, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xfo_log_vprintf(log, fmt, ap);
    va_end(ap);
}
