/*
 * xl-style guest configurations for 'iommu-sim run'.
 *
 * A small recursive-descent reader: KEY = VALUE statements, separated by
 * newlines or ';', where VALUE is a number, a quoted string or a list of
 * strings in brackets (lists may span lines); '#' starts a comment.  The
 * reader never trusts its input: every error says file, line and reason.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/run_config.h"

#define RUN_CONFIG_MAX_SIZE (1U << 20)
#define RUN_MEMORY_MAX_MIB  (1ULL << 20)     /* 1 TiB: beyond any board */
#define RUN_STRING_MAX      1024

struct reader {
    const char *p, *end;
    unsigned int line;
    const char *source;
    char *err;
    size_t errlen;
};

enum value_kind { VAL_NUMBER, VAL_STRING, VAL_LIST };

struct value {
    enum value_kind kind;
    unsigned int line;
    uint64_t number;
    char *string;
    unsigned int nr_items;
    char *items[RUN_MAX_DTDEVS];
    unsigned int item_lines[RUN_MAX_DTDEVS];
};

static int fail(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
    va_list args;
    int n;

    n = snprintf(r->err, r->errlen, "%s:%u: ", r->source, r->line);
    if ( n < 0 || (size_t)n >= r->errlen )
        return -1;
    va_start(args, fmt);
    vsnprintf(r->err + n, r->errlen - n, fmt, args);
    va_end(args);
    return -1;
}

/* Skip blanks and comments; newlines too when 'newlines'. */
static void skip_space(struct reader *r, bool newlines)
{
    while ( r->p < r->end )
    {
        if ( *r->p == '#' )
        {
            while ( r->p < r->end && *r->p != '\n' )
                r->p++;
        }
        else if ( *r->p == '\n' && newlines )
        {
            r->line++;
            r->p++;
        }
        else if ( *r->p == ' ' || *r->p == '\t' || *r->p == '\r' )
            r->p++;
        else
            break;
    }
}

static int read_key(struct reader *r, char *key, size_t len)
{
    size_t n = 0;

    while ( r->p < r->end && (isalnum((unsigned char)*r->p) ||
                              *r->p == '_') )
    {
        if ( n + 1 >= len )
            return fail(r, "key too long");
        key[n++] = *r->p++;
    }
    key[n] = '\0';
    if ( !n )
    {
        if ( r->p < r->end && isprint((unsigned char)*r->p) )
            return fail(r, "expected a key, found '%c'", *r->p);
        return fail(r, "expected a key");
    }
    return 0;
}

static int read_string(struct reader *r, char **out)
{
    char quote = *r->p++, buf[RUN_STRING_MAX];
    size_t n = 0;

    while ( r->p < r->end && *r->p != quote )
    {
        char c = *r->p++;

        if ( c == '\\' && r->p < r->end )
            c = *r->p++;
        if ( c == '\n' )
            return fail(r, "string not closed before the end of the line");
        if ( !isprint((unsigned char)c) )
            return fail(r, "control character in a string");
        if ( n + 1 >= sizeof(buf) )
            return fail(r, "string longer than %d bytes",
                        RUN_STRING_MAX - 1);
        buf[n++] = c;
    }
    if ( r->p >= r->end )
        return fail(r, "string not closed");
    r->p++;
    buf[n] = '\0';

    *out = strdup(buf);
    if ( !*out )
        return fail(r, "out of memory");
    return 0;
}

int run_config_number(const char *s, uint64_t *out, char *why,
                      size_t whylen)
{
    const char *digits = s;
    int base = 10;
    uint64_t v = 0;

    if ( s[0] == '-' )
    {
        snprintf(why, whylen, "'%s': negative numbers are not allowed", s);
        return -1;
    }
    if ( s[0] == '0' && (s[1] == 'x' || s[1] == 'X') )
    {
        base = 16;
        digits = s + 2;
    }
    else if ( s[0] == '0' && s[1] != '\0' )
    {
        /* xl's reader takes this as octal, a human as decimal: refuse. */
        snprintf(why, whylen, "'%s': a leading 0 is ambiguous (octal to "
                 "some readers): write it in decimal or as 0x hex", s);
        return -1;
    }
    if ( !*digits )
    {
        snprintf(why, whylen, "'%s' is not a number", s);
        return -1;
    }
    for ( ; *digits; digits++ )
    {
        unsigned int d;

        if ( *digits >= '0' && *digits <= '9' )
            d = *digits - '0';
        else if ( base == 16 && isxdigit((unsigned char)*digits) )
            d = (tolower((unsigned char)*digits) - 'a') + 10;
        else
        {
            snprintf(why, whylen, "'%s' is not a number (decimal or 0x "
                     "hex)", s);
            return -1;
        }
        if ( v > (UINT64_MAX - d) / base )
        {
            snprintf(why, whylen, "'%s' does not fit in 64 bits", s);
            return -1;
        }
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static int read_number(struct reader *r, uint64_t *out)
{
    char buf[32], why[128];
    size_t n = 0;

    while ( r->p < r->end &&
            (isalnum((unsigned char)*r->p) || (n == 0 && *r->p == '-')) )
    {
        if ( n + 1 >= sizeof(buf) )
            return fail(r, "number too long");
        buf[n++] = *r->p++;
    }
    buf[n] = '\0';
    if ( run_config_number(buf, out, why, sizeof(why)) )
        return fail(r, "%s", why);
    return 0;
}

static void free_value(struct value *v)
{
    unsigned int i;

    free(v->string);
    for ( i = 0; i < v->nr_items; i++ )
        free(v->items[i]);
    memset(v, 0, sizeof(*v));
}

static int read_list(struct reader *r, struct value *v)
{
    r->p++;                                  /* '[' */
    for ( ;; )
    {
        skip_space(r, true);
        if ( r->p >= r->end )
            return fail(r, "list not closed with ']'");
        if ( *r->p == ']' )
        {
            r->p++;
            return 0;
        }
        if ( *r->p != '"' && *r->p != '\'' )
            return fail(r, "a list holds quoted strings");
        if ( v->nr_items == RUN_MAX_DTDEVS )
            return fail(r, "more than %d items in a list", RUN_MAX_DTDEVS);
        v->item_lines[v->nr_items] = r->line;
        if ( read_string(r, &v->items[v->nr_items]) )
            return -1;
        v->nr_items++;

        skip_space(r, true);
        if ( r->p < r->end && *r->p == ',' )
            r->p++;
        else if ( r->p < r->end && *r->p != ']' )
            return fail(r, "expected ',' or ']' in a list");
    }
}

static int read_value(struct reader *r, struct value *v)
{
    skip_space(r, false);
    v->line = r->line;
    if ( r->p >= r->end || *r->p == '\n' )
        return fail(r, "missing value after '='");
    if ( *r->p == '"' || *r->p == '\'' )
    {
        v->kind = VAL_STRING;
        return read_string(r, &v->string);
    }
    if ( *r->p == '[' )
    {
        v->kind = VAL_LIST;
        return read_list(r, v);
    }
    if ( isdigit((unsigned char)*r->p) || *r->p == '-' )
    {
        v->kind = VAL_NUMBER;
        return read_number(r, &v->number);
    }
    return fail(r, "a value is a number, a quoted string or a [list]");
}

/* The end of a statement: newline, ';', or the end of the text. */
static int end_statement(struct reader *r)
{
    skip_space(r, false);
    if ( r->p >= r->end )
        return 0;
    if ( *r->p == ';' || *r->p == '\n' )
    {
        if ( *r->p == '\n' )
            r->line++;
        r->p++;
        return 0;
    }
    return fail(r, "unexpected text after the value");
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);

    if ( !n || n > RUN_NAME_MAX )
        return false;
    for ( ; *s; s++ )
        if ( !isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
             *s != '.' )
            return false;
    return true;
}

/* Take the value of 'key' into g; consumes the value's allocations. */
static int apply(struct reader *rd, struct run_guest *g, const char *key,
                 struct value *v, unsigned int *seen)
{
    struct reader at = *rd, *r = &at;    /* errors name the value's line */
    unsigned int i, j;

    at.line = v->line;
    if ( strcmp(key, "name") == 0 )
    {
        if ( *seen & 1 )
            return fail(r, "'name' given twice");
        if ( v->kind != VAL_STRING )
            return fail(r, "'name' must be a quoted string");
        if ( !valid_name(v->string) )
            return fail(r, "name \"%s\": 1 to %d letters, digits, '-', "
                        "'_' or '.'", v->string, RUN_NAME_MAX);
        strcpy(g->name, v->string);
        *seen |= 1;
    }
    else if ( strcmp(key, "memory") == 0 )
    {
        if ( *seen & 2 )
            return fail(r, "'memory' given twice");
        if ( v->kind != VAL_NUMBER )
            return fail(r, "'memory' must be a number of MiB");
        if ( !v->number )
            return fail(r, "memory = 0: a guest needs some RAM");
        if ( v->number > RUN_MEMORY_MAX_MIB )
            return fail(r, "memory = %llu MiB is too large (at most %llu)",
                        (unsigned long long)v->number,
                        (unsigned long long)RUN_MEMORY_MAX_MIB);
        g->memory_mib = v->number;
        g->memory_line = v->line;
        *seen |= 2;
    }
    else if ( strcmp(key, "dtdev") == 0 )
    {
        if ( *seen & 4 )
            return fail(r, "'dtdev' given twice");
        if ( v->kind != VAL_LIST )
            return fail(r, "'dtdev' must be a list: [ \"/path\", ... ]");
        for ( i = 0; i < v->nr_items; i++ )
        {
            if ( v->items[i][0] != '/' )
                return fail(r, "dtdev \"%s\": not an absolute device tree "
                            "path", v->items[i]);
            for ( j = 0; j < g->nr_dtdevs; j++ )
                if ( strcmp(g->dtdevs[j], v->items[i]) == 0 )
                    return fail(r, "dtdev lists \"%s\" twice", v->items[i]);
            g->dtdev_lines[g->nr_dtdevs] = v->item_lines[i];
            g->dtdevs[g->nr_dtdevs++] = v->items[i];
            v->items[i] = NULL;
        }
        *seen |= 4;
    }
    else if ( g->nr_ignored < RUN_MAX_IGNORED )
    {
        g->ignored[g->nr_ignored] = strdup(key);
        if ( !g->ignored[g->nr_ignored] )
            return fail(r, "out of memory");
        g->nr_ignored++;
    }

    return 0;
}

int run_config_parse(const char *text, size_t len, const char *source,
                     struct run_guest *g, char *err, size_t errlen)
{
    struct reader r = { text, text + len, 1, source, err, errlen };
    unsigned int seen = 0;
    char key[64];

    memset(g, 0, sizeof(*g));
    g->source = source;
    if ( memchr(text, '\0', len) )
    {
        fail(&r, "binary data (a NUL byte) in the file");
        return -1;
    }

    for ( ;; )
    {
        struct value v = { 0 };

        skip_space(&r, true);
        if ( r.p < r.end && *r.p == ';' )
        {
            r.p++;
            continue;
        }
        if ( r.p >= r.end )
            break;

        if ( read_key(&r, key, sizeof(key)) )
            goto fail;
        skip_space(&r, false);
        if ( r.p >= r.end || *r.p != '=' )
        {
            fail(&r, "expected '=' after '%s'", key);
            goto fail;
        }
        r.p++;
        if ( read_value(&r, &v) || apply(&r, g, key, &v, &seen) ||
             end_statement(&r) )
        {
            free_value(&v);
            goto fail;
        }
        free_value(&v);
    }

    if ( !(seen & 1) )
    {
        fail(&r, "no 'name = \"...\"'");
        goto fail;
    }
    if ( !(seen & 2) )
    {
        fail(&r, "no 'memory = MiB'");
        goto fail;
    }
    return 0;

 fail:
    run_guest_free(g);
    return -1;
}

int run_config_load(const char *path, struct run_guest *g, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *text;
    size_t len;
    int rc;

    if ( !f )
    {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    text = malloc(RUN_CONFIG_MAX_SIZE + 1);
    if ( !text )
    {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    len = fread(text, 1, RUN_CONFIG_MAX_SIZE + 1, f);
    if ( ferror(f) || len > RUN_CONFIG_MAX_SIZE )
    {
        snprintf(err, errlen, "%s: %s", path, ferror(f) ? "read error" :
                 "larger than 1 MiB: not a guest configuration");
        fclose(f);
        free(text);
        return -1;
    }
    fclose(f);

    rc = run_config_parse(text, len, path, g, err, errlen);
    free(text);
    return rc;
}

void run_guest_free(struct run_guest *g)
{
    unsigned int i;

    for ( i = 0; i < g->nr_dtdevs; i++ )
        free(g->dtdevs[i]);
    for ( i = 0; i < g->nr_ignored; i++ )
        free(g->ignored[i]);
    g->nr_dtdevs = g->nr_ignored = 0;
}
