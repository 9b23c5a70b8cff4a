/*
 * The hypervisor's string formatter, behind printk (and snprintf /
 * vsnprintf where no C library provides them).
 *
 * The C conversions the hypervisor uses (d i u o x X c s p %, flags
 * "-+ #0", width and precision including '*', the hh h l ll z t j
 * lengths; no floating point) and Xen's extensions of %p:
 *   %pd     struct domain *: "d1", system domains "d[IO]", "d[XEN]",
 *           "d[COW]", "d[IDLE]"; a NULL pointer prints "NULL"
 *   %pv     struct vcpu *: "d1v0"
 *   %*pb    a bitmap of <width> bits: 32-bit hex words, most significant
 *           first, separated by commas
 *   %*pbl   the same bitmap as a list of ranges: "0-3,6,9-10"
 *   %*ph    <width> bytes (at most 64) in hex separated by spaces;
 *           %*phC colons, %*phD dashes, %*phN nothing
 *   %ps %pS a code address: there is no symbol table, so the address in
 *           hex, as Xen prints an address it cannot name
 * Any other letter after %p is not consumed: "%pa" prints the pointer
 * followed by 'a', as in Xen (which has no %pa).
 */
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define F_LEFT    (1U << 0)      /* '-' */
#define F_PLUS    (1U << 1)      /* '+' */
#define F_SPACE   (1U << 2)      /* ' ' */
#define F_ALT     (1U << 3)      /* '#' */
#define F_ZERO    (1U << 4)      /* '0' */
#define F_SIGNED  (1U << 5)
#define F_UPPER   (1U << 6)

/* The output so far: characters past 'end' are counted, not stored. */
struct out {
    char *p;
    char *end;
    size_t len;
};

static void put(struct out *o, char c)
{
    if ( o->p < o->end )
        *o->p++ = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    while ( n-- > 0 )
        put(o, c);
}

static void put_str(struct out *o, const char *s, int width, int prec,
                    unsigned int flags)
{
    int len = 0, i;

    if ( !s )
        s = "(null)";
    while ( (prec < 0 || len < prec) && s[len] )
        len++;
    if ( !(flags & F_LEFT) )
        put_n(o, ' ', width - len);
    for ( i = 0; i < len; i++ )
        put(o, s[i]);
    if ( flags & F_LEFT )
        put_n(o, ' ', width - len);
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
                    int width, int prec, unsigned int flags)
{
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF"
                                           : "0123456789abcdef";
    char tmp[24];
    const char *prefix = "";
    char sign = 0;
    int n = 0, zeros, plen, total;

    if ( (flags & F_SIGNED) && (long long)v < 0 )
    {
        sign = '-';
        v = -(unsigned long long)v;
    }
    else if ( (flags & F_SIGNED) && (flags & F_PLUS) )
        sign = '+';
    else if ( (flags & F_SIGNED) && (flags & F_SPACE) )
        sign = ' ';

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );
    if ( prec == 0 && n == 1 && tmp[0] == '0' )
        n = 0;

    if ( (flags & F_ALT) && base == 16 && n && !(n == 1 && tmp[0] == '0') )
        prefix = (flags & F_UPPER) ? "0X" : "0x";
    else if ( (flags & F_ALT) && base == 8 && (!n || tmp[n - 1] != '0') )
        prefix = "0";
    plen = (int)strlen(prefix) + (sign ? 1 : 0);

    zeros = prec > n ? prec - n : 0;
    if ( prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) &&
         width > n + plen )
        zeros = width - n - plen;

    total = n + zeros + plen;
    if ( !(flags & F_LEFT) )
        put_n(o, ' ', width - total);
    if ( sign )
        put(o, sign);
    while ( *prefix )
        put(o, *prefix++);
    put_n(o, '0', zeros);
    while ( n )
        put(o, tmp[--n]);
    if ( flags & F_LEFT )
        put_n(o, ' ', width - total);
}

static void put_domain(struct out *o, const struct domain *d)
{
    const char *name = NULL;

    if ( !d )
    {
        put_str(o, "NULL", -1, -1, 0);
        return;
    }
    switch ( d->domain_id )
    {
    case DOMID_IO:   name = "[IO]";   break;
    case DOMID_XEN:  name = "[XEN]";  break;
    case DOMID_COW:  name = "[COW]";  break;
    case DOMID_IDLE: name = "[IDLE]"; break;
    }
    put(o, 'd');
    if ( name )
        put_str(o, name, -1, -1, 0);
    else
        put_num(o, d->domain_id, 10, -1, -1, 0);
}

static void put_vcpu(struct out *o, const struct vcpu *v)
{
    if ( !v )
    {
        put_str(o, "NULL", -1, -1, 0);
        return;
    }
    put_domain(o, v->domain);
    put(o, 'v');
    put_num(o, (unsigned int)v->vcpu_id, 10, -1, -1, 0);
}

/* "0-3,6": runs of set bits. */
static void put_bitmap_list(struct out *o, const unsigned long *map,
                            unsigned int bits)
{
    unsigned int first = find_first_bit(map, bits), last;
    bool comma = false;

    while ( first < bits )
    {
        last = first;
        while ( last + 1 < bits && test_bit(last + 1, map) )
            last++;
        if ( comma )
            put(o, ',');
        comma = true;
        put_num(o, first, 10, -1, -1, 0);
        if ( last > first )
        {
            put(o, '-');
            put_num(o, last, 10, -1, -1, 0);
        }
        first = find_next_bit(map, bits, last + 1);
    }
}

/* 32-bit words in hex, the most significant first, the first one only
 * as wide as the bits it holds. */
static void put_bitmap_hex(struct out *o, const unsigned long *map,
                           unsigned int bits)
{
    unsigned int chunk = bits % 32 ? bits % 32 : 32;
    int i;

    for ( i = (int)ROUNDUP(bits, 32U) - 32; i >= 0; i -= 32 )
    {
        unsigned long word = map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG);
        unsigned long mask = chunk == 32 ? 0xffffffffUL
                                         : (1UL << chunk) - 1;

        if ( i != (int)ROUNDUP(bits, 32U) - 32 )
            put(o, ',');
        put_num(o, word & mask, 16, (int)DIV_ROUND_UP(chunk, 4), -1,
                F_ZERO);
        chunk = 32;
    }
}

static void put_hex_bytes(struct out *o, const uint8_t *buf, int width,
                          char sep)
{
    int i;

    if ( width > 64 )
        width = 64;
    for ( i = 0; i < width; i++ )
    {
        if ( i && sep )
            put(o, sep);
        put_num(o, buf[i], 16, 2, -1, F_ZERO);
    }
}

/*
 * %p and its extensions; *fmt points at the 'p' and is left on the last
 * character consumed.
 */
static void put_pointer(struct out *o, const char **fmt, const void *arg,
                        int width, int prec, unsigned int flags)
{
    const char *f = *fmt;

    switch ( f[1] )
    {
    case 'b':
        (*fmt)++;
        if ( f[2] == 'l' )
            (*fmt)++;
        if ( width < 0 )
            return;
        if ( f[2] == 'l' )
            put_bitmap_list(o, arg, width);
        else
            put_bitmap_hex(o, arg, width);
        return;

    case 'd':
        (*fmt)++;
        put_domain(o, arg);
        return;

    case 'h':
    {
        char sep = ' ';

        (*fmt)++;
        switch ( f[2] )
        {
        case 'C': sep = ':'; (*fmt)++; break;
        case 'D': sep = '-'; (*fmt)++; break;
        case 'N': sep = 0;   (*fmt)++; break;
        }
        if ( width > 0 )
            put_hex_bytes(o, arg, width, sep);
        return;
    }

    case 's':
    case 'S':
        (*fmt)++;
        break;

    case 'v':
        (*fmt)++;
        put_vcpu(o, arg);
        return;
    }

    if ( width < 0 )
    {
        width = 2 * sizeof(void *);
        flags |= F_ZERO;
    }
    put_num(o, (unsigned long)arg, 16, width, prec, flags);
}

int xen_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct out o = { .p = buf, .end = size ? buf + size - 1 : buf };

    for ( ; *fmt; fmt++ )
    {
        unsigned int flags = 0, base = 10;
        int width = -1, prec = -1, len = 0;   /* len: -2 hh .. 2 ll */
        unsigned long long v;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }

        for ( ; ; )
        {
            switch ( *++fmt )
            {
            case '-': flags |= F_LEFT;  continue;
            case '+': flags |= F_PLUS;  continue;
            case ' ': flags |= F_SPACE; continue;
            case '#': flags |= F_ALT;   continue;
            case '0': flags |= F_ZERO;  continue;
            }
            break;
        }

        if ( *fmt == '*' )
        {
            width = va_arg(args, int);
            if ( width < 0 )
            {
                width = -width;
                flags |= F_LEFT;
            }
            fmt++;
        }
        else if ( *fmt >= '0' && *fmt <= '9' )
            for ( width = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                width = width * 10 + (*fmt - '0');

        if ( *fmt == '.' )
        {
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(args, int);
                fmt++;
            }
            else
                for ( prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                    prec = prec * 10 + (*fmt - '0');
            if ( prec < 0 )
                prec = -1;
        }

        switch ( *fmt )
        {
        case 'h':
            len = fmt[1] == 'h' ? -2 : -1;
            fmt += fmt[1] == 'h' ? 2 : 1;
            break;
        case 'l':
            len = fmt[1] == 'l' ? 2 : 1;
            fmt += fmt[1] == 'l' ? 2 : 1;
            break;
        case 'L':
        case 'j':
            len = 2;
            fmt++;
            break;
        case 'z':
        case 'Z':
        case 't':
            len = 1;              /* size_t, ptrdiff_t: long-sized here */
            fmt++;
            break;
        }

        switch ( *fmt )
        {
        case 'c':
            if ( !(flags & F_LEFT) )
                put_n(&o, ' ', width - 1);
            put(&o, (char)va_arg(args, int));
            if ( flags & F_LEFT )
                put_n(&o, ' ', width - 1);
            continue;
        case 's':
            put_str(&o, va_arg(args, const char *), width, prec, flags);
            continue;
        case 'p':
            put_pointer(&o, &fmt, va_arg(args, const void *), width, prec,
                        flags);
            continue;
        case '%':
            put(&o, '%');
            continue;
        case 'd':
        case 'i':
            flags |= F_SIGNED;
            break;
        case 'u':
            break;
        case 'o':
            base = 8;
            break;
        case 'X':
            flags |= F_UPPER;
            /* fall through */
        case 'x':
            base = 16;
            break;
        default:
            /* Unknown: shown as written. */
            put(&o, '%');
            if ( !*fmt )
                goto done;
            put(&o, *fmt);
            continue;
        }

        if ( len == 2 )
            v = va_arg(args, unsigned long long);
        else if ( len == 1 )
            v = va_arg(args, unsigned long);
        else
            v = va_arg(args, unsigned int);

        if ( flags & F_SIGNED )
        {
            if ( len == 1 )
                v = (long long)(long)v;
            else if ( len == 0 )
                v = (long long)(int)v;
            else if ( len == -1 )
                v = (long long)(short)v;
            else if ( len == -2 )
                v = (long long)(signed char)v;
        }
        else if ( len == -1 )
            v = (unsigned short)v;
        else if ( len == -2 )
            v = (unsigned char)v;

        put_num(&o, v, base, width, prec, flags);
    }

 done:
    if ( size )
        *o.p = '\0';
    return (int)o.len;
}

int xen_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = xen_vsnprintf(buf, size, fmt, args);
    va_end(args);

    return n;
}

#ifndef HOSTED_BUILD
/*
 * Without a C library the formatter has its usual names.  In the hosted
 * build the C library keeps them (its programs and tests format with them
 * too); printk uses xen_vsnprintf there.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    return xen_vsnprintf(buf, size, fmt, args);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = xen_vsnprintf(buf, size, fmt, args);
    va_end(args);

    return n;
}
#endif
