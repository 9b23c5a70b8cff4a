/*
 * iommu-sim's output helpers shared by every command and by the test and
 * fuzz programs that link the commands' pieces without main.c.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tools/iommu-sim/iommu_sim.h"

void sim_error(const char *fmt, ...)
{
    va_list args;

    fputs("iommu-sim: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

void json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', out);
    for ( ; *p; p++ )
    {
        if ( *p == '"' || *p == '\\' )
            fprintf(out, "\\%c", *p);
        else if ( *p < 0x20 || *p >= 0x7f )
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}
