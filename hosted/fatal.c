/* What the hypervisor's fatal paths do in a Linux process: say and abort. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <xen/lib.h>
#include "hosted/fatal.h"

static hosted_panic_hook_t panic_hook;

void hosted_set_panic_hook(hosted_panic_hook_t hook)
{
    panic_hook = hook;
}

void panic(const char *fmt, ...)
{
    char msg[512];
    va_list args;

    va_start(args, fmt);
    xen_vsnprintf(msg, sizeof(msg), fmt, args);
    va_end(args);
    fprintf(stderr, "(XEN) PANIC: %s\n", msg);
    if ( panic_hook )
        panic_hook(msg);
    abort();
}

void __bug(const char *file, int line)
{
    fprintf(stderr, "(XEN) BUG at %s:%d\n", file, line);
    abort();
}

void __assert_failed(const char *expr, const char *file, int line)
{
    fprintf(stderr, "(XEN) Assertion '%s' failed at %s:%d\n", expr, file,
            line);
    abort();
}

void __warn(const char *file, int line)
{
    printk(XENLOG_WARNING "WARNING at %s:%d\n", file, line);
}
