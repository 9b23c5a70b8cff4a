/* printk for a Linux process: level prefix, echo to stderr, capture. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/lib.h>
#include "hosted/console.h"

static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static bool echo_on = true;
static int echo_level = 2;
static bool capture_on;
static bool discard_on;
static char *capture_buf;
static size_t capture_len, capture_cap;

static const char *const level_names[] = { "ERR", "WARN", "INFO", "DEBUG" };

void console_set_echo(bool on)
{
    echo_on = on;
}

void console_set_discard(bool on)
{
    pthread_mutex_lock(&console_lock);
    discard_on = on;
    pthread_mutex_unlock(&console_lock);
}

void console_set_echo_level(int level)
{
    echo_level = level;
}

void console_capture_start(void)
{
    pthread_mutex_lock(&console_lock);
    capture_on = true;
    capture_len = 0;
    if ( capture_buf )
        capture_buf[0] = '\0';
    pthread_mutex_unlock(&console_lock);
}

void console_capture_stop(void)
{
    pthread_mutex_lock(&console_lock);
    capture_on = false;
    pthread_mutex_unlock(&console_lock);
}

void console_capture_clear(void)
{
    pthread_mutex_lock(&console_lock);
    capture_len = 0;
    if ( capture_buf )
        capture_buf[0] = '\0';
    pthread_mutex_unlock(&console_lock);
}

const char *console_capture_text(void)
{
    return capture_buf ? capture_buf : "";
}

bool console_capture_contains(const char *needle)
{
    return strstr(console_capture_text(), needle) != NULL;
}

unsigned int console_capture_count(const char *needle)
{
    const char *line = console_capture_text();
    unsigned int n = 0;

    while ( *line )
    {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *hit = strstr(line, needle);

        if ( hit && hit + strlen(needle) <= line + len )
            n++;
        line += len + (end ? 1 : 0);
    }
    return n;
}

static void capture_append(const char *s, size_t len)
{
    if ( capture_len + len + 1 > capture_cap )
    {
        size_t cap = capture_cap ? capture_cap : 4096;
        char *nb;

        while ( cap < capture_len + len + 1 )
            cap *= 2;
        nb = realloc(capture_buf, cap);
        if ( !nb )
            return;
        capture_buf = nb;
        capture_cap = cap;
    }
    memcpy(capture_buf + capture_len, s, len);
    capture_len += len;
    capture_buf[capture_len] = '\0';
}

/* "<n>" at the start of a message selects its level (default INFO). */
static int split_level(const char **msg)
{
    const char *m = *msg;

    if ( m[0] == '<' && m[1] >= '0' && m[1] <= '3' && m[2] == '>' )
    {
        *msg = m + 3;
        return m[1] - '0';
    }
    return 2;
}

void vprintk(const char *fmt, va_list args)
{
    char buf[1024];
    const char *msg = buf;
    int level, n;
    bool skip;

    pthread_mutex_lock(&console_lock);
    skip = discard_on && !capture_on;
    pthread_mutex_unlock(&console_lock);
    if ( skip )
        return;

    /* The hypervisor's formatter: Xen's %pd, %pv, %*pb... */
    n = xen_vsnprintf(buf, sizeof(buf), fmt, args);
    if ( n < 0 )
        return;
    level = split_level(&msg);

    pthread_mutex_lock(&console_lock);
    if ( echo_on && level <= echo_level )
        fprintf(stderr, "(XEN) %s", msg);
    if ( capture_on )
    {
        char prefix[16];

        snprintf(prefix, sizeof(prefix), "[%s] ", level_names[level]);
        capture_append(prefix, strlen(prefix));
        capture_append(msg, strlen(msg));
    }
    pthread_mutex_unlock(&console_lock);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}
