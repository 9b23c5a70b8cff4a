/*
 * The hypervisor command line: "name", "name=value" and "no-name" words
 * separated by spaces, each handed to the parameter registered under that
 * name (<xen/param.h>).  As in Xen, a word no parameter knows, or a value
 * a parameter refuses, is reported on the console and otherwise ignored.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>

/* Longest word taken from the command line; longer ones are cut. */
#define CMDLINE_WORD_MAX 128

/* Built-in values of the variable parameters, saved before any parse. */
#define PARAM_SAVE_MAX 64
static unsigned char saved_values[PARAM_SAVE_MAX][8];
static bool defaults_saved;

static struct kernel_param *first_param(void)
{
    return __start_xen_param;
}

static struct kernel_param *end_param(void)
{
    return __stop_xen_param;
}

static void save_defaults(void)
{
    struct kernel_param *p;
    unsigned int i = 0;

    if ( defaults_saved )
        return;
    for ( p = first_param(); p != end_param(); p++, i++ )
        if ( i < PARAM_SAVE_MAX && p->type != OPT_CUSTOM &&
             p->type != OPT_STR && p->len <= sizeof(saved_values[0]) )
            memcpy(saved_values[i], p->par.var, p->len);
    defaults_saved = true;
}

void cmdline_reset(void)
{
    struct kernel_param *p;
    unsigned int i = 0;

    for ( p = first_param(); p != end_param(); p++, i++ )
    {
        if ( p->reset )
            p->reset();
        else if ( p->type == OPT_STR )
            ((char *)p->par.var)[0] = '\0';
        else if ( defaults_saved && p->type != OPT_CUSTOM &&
                  i < PARAM_SAVE_MAX && p->len <= sizeof(saved_values[0]) )
            memcpy(p->par.var, saved_values[i], p->len);
    }
}

int parse_bool(const char *s, const char *e)
{
    static const struct {
        const char *word;
        int val;
    } words[] = {
        { "1", 1 }, { "0", 0 }, { "on", 1 }, { "no", 0 }, { "yes", 1 },
        { "off", 0 }, { "true", 1 }, { "false", 0 }, { "enable", 1 },
        { "disable", 0 },
    };
    size_t len = e ? (size_t)(e - s) : strlen(s);
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(words); i++ )
        if ( strlen(words[i].word) == len &&
             !strncmp(words[i].word, s, len) )
            return words[i].val;

    return -1;
}

int parse_boolean(const char *name, const char *s, const char *e)
{
    size_t nlen = strlen(name), slen;
    int val = 1;

    if ( !strncmp(s, "no-", 3) )
    {
        val = 0;
        s += 3;
    }
    slen = e ? (size_t)(e - s) : strlen(s);
    if ( e && e < s )
        return -1;

    if ( slen < nlen || strncmp(s, name, nlen) )
        return -1;
    if ( slen == nlen )
        return val;
    /* As in Xen, an explicit value wins over a "no-" prefix. */
    if ( s[nlen] == '=' )
        return parse_bool(s + nlen + 1, e);

    return -1;
}

int cmdline_strcmp(const char *frag, const char *name)
{
    for ( ; *name; frag++, name++ )
        if ( *frag != *name )
            return (unsigned char)*frag - (unsigned char)*name;

    return *frag == '\0' || *frag == ',' || *frag == ':' || *frag == ';' ||
           *frag == '=' ? 0 : (unsigned char)*frag;
}

/* A number in C notation (0x.., 0.., decimal, optional '-'), all of s. */
static int parse_number(const char *s, uint64_t *out)
{
    unsigned int base = 10;
    bool neg = false;
    uint64_t v = 0;

    if ( *s == '-' )
    {
        neg = true;
        s++;
    }
    if ( s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2] )
    {
        base = 16;
        s += 2;
    }
    else if ( s[0] == '0' && s[1] )
        base = 8;
    if ( !*s )
        return -EINVAL;

    for ( ; *s; s++ )
    {
        unsigned int d;

        if ( *s >= '0' && *s <= '9' )
            d = *s - '0';
        else if ( *s >= 'a' && *s <= 'f' )
            d = *s - 'a' + 10;
        else if ( *s >= 'A' && *s <= 'F' )
            d = *s - 'A' + 10;
        else
            return -EINVAL;
        if ( d >= base )
            return -EINVAL;
        /* Past 64 bits: refused, never wrapped into a small value. */
        if ( v > (UINT64_MAX - d) / base )
            return -EOVERFLOW;
        v = v * base + d;
    }

    *out = neg ? -v : v;
    return 0;
}

/* A value out of the variable's range is refused, the variable kept. */
static int store_integer(const struct kernel_param *p, uint64_t v)
{
    switch ( p->len )
    {
    case 1:
        if ( v > 0xff && v < (uint64_t)-0x80 )
            return -EOVERFLOW;
        *(uint8_t *)p->par.var = v;
        return 0;
    case 2:
        if ( v > 0xffff && v < (uint64_t)-0x8000 )
            return -EOVERFLOW;
        *(uint16_t *)p->par.var = v;
        return 0;
    case 4:
        if ( v > 0xffffffffULL && v < (uint64_t)-0x80000000LL )
            return -EOVERFLOW;
        *(uint32_t *)p->par.var = v;
        return 0;
    case 8:
        *(uint64_t *)p->par.var = v;
        return 0;
    }
    return -EINVAL;
}

/* Hand one word's value to parameter p; 0 or a negative errno. */
static int apply(const struct kernel_param *p, const char *value,
                 bool negated)
{
    uint64_t v;
    int rc;

    switch ( p->type )
    {
    case OPT_STR:
        if ( p->len )
        {
            size_t n = strnlen(value, p->len - 1);

            memcpy(p->par.var, value, n);
            ((char *)p->par.var)[n] = '\0';
        }
        return 0;

    case OPT_UINT:
        rc = parse_number(value, &v);
        return rc ? rc : store_integer(p, v);

    case OPT_BOOL:
        rc = *value ? parse_bool(value, NULL) : 1;
        if ( rc < 0 )
            return -EINVAL;
        return store_integer(p, negated ? !rc : rc);

    case OPT_CUSTOM:
        /* "no-name" reaches the parser as the value "no". */
        if ( negated )
        {
            if ( *value )
                return -EINVAL;
            value = "no";
        }
        return p->par.func(value);
    }

    return -EINVAL;
}

static void parse_word(char *word)
{
    char *value = strchr(word, '=');
    const char *key = word;
    struct kernel_param *p;
    bool negated = false, found = false;
    int rc = 0;

    if ( value )
        *value++ = '\0';
    else
        value = word + strlen(word);

    if ( !strncmp(key, "no-", 3) )
    {
        negated = true;
        key += 3;
    }

    for ( p = first_param(); p != end_param(); p++ )
    {
        int err;

        if ( strcmp(p->name, key) )
            continue;
        found = true;
        err = apply(p, value, negated);
        if ( err && !rc )
            rc = err;
    }

    if ( rc )
        printk(XENLOG_WARNING "parameter \"%s\" has invalid value \"%s\", "
               "rc=%d!\n", word, value, rc);
    if ( !found )
        printk(XENLOG_WARNING "parameter \"%s\" unknown!\n", word);
}

void cmdline_parse(const char *cmdline)
{
    char word[CMDLINE_WORD_MAX];

    save_defaults();
    if ( !cmdline )
        return;

    printk(XENLOG_INFO "Command line: %s\n", cmdline);
    while ( *cmdline )
    {
        size_t n = 0;

        while ( *cmdline == ' ' )
            cmdline++;
        if ( !*cmdline )
            break;
        while ( *cmdline && *cmdline != ' ' )
        {
            if ( n < sizeof(word) - 1 )
                word[n++] = *cmdline;
            cmdline++;
        }
        word[n] = '\0';
        parse_word(word);
    }
}
