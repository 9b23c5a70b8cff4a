/* What the hypervisor's fatal paths do in a Linux process: say and abort. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <xen/lib.h>

void panic(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "(XEN) PANIC: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n");
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
