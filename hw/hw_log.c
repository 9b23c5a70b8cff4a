/* The models' log ring (see hw_log.h). */
#include "hw/hw_log.h"

#include <stdio.h>
#include <string.h>

const char *hw_log_vadd(struct hw_log *l, const char *name, const char *fmt,
                        va_list ap)
{
    char *line = l->line[l->count % HW_LOG_LINES];
    size_t n = strnlen(name, HW_LOG_NAME_MAX);

    memcpy(line, name, n);
    line[n++] = ':';
    line[n++] = ' ';
    vsnprintf(line + n, HW_LOG_LEN - n, fmt, ap);
    l->count++;
    return line;
}

static unsigned int kept(const struct hw_log *l)
{
    return l->count < HW_LOG_LINES ? l->count : HW_LOG_LINES;
}

bool hw_log_line(const struct hw_log *l, unsigned int i, char *buf,
                 size_t len)
{
    bool ok = i < kept(l);

    if ( ok && len )
        snprintf(buf, len, "%s",
                 l->line[(l->count - kept(l) + i) % HW_LOG_LINES]);
    return ok;
}

unsigned int hw_log_find(const struct hw_log *l, const char *needle)
{
    unsigned int i, n = 0;

    /* The kept lines are slots 0..kept-1, in whatever order. */
    for ( i = 0; i < kept(l); i++ )
        if ( strstr(l->line[i], needle) )
            n++;
    return n;
}

void hw_log_clear(struct hw_log *l)
{
    l->count = 0;
}
