/*
 * libFuzzer target for the xl-style configuration reader of iommu-sim
 * (tools/iommu-sim/run_config.c) and its number reader.  Beyond the
 * sanitizers, a run aborts when a refusal does not say "FILE:LINE: "
 * with a line inside the input, when an accepted guest breaks what the
 * reader promises (a valid name, memory from 1 MiB, absolute dtdevs, each
 * with the line it was on), or when a number is read in a base other
 * than 10 or 16.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/run_config.h"

static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

static unsigned int count_lines(const uint8_t *data, size_t size)
{
    unsigned int n = 1;
    size_t i;

    for ( i = 0; i < size; i++ )
        n += data[i] == '\n';
    return n;
}

static void check_number(const uint8_t *data, size_t size)
{
    char buf[40], why[160];
    uint64_t v;
    size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;

    memcpy(buf, data, n);
    buf[n] = '\0';
    if ( run_config_number(buf, &v, why, sizeof(why)) )
        return;
    if ( buf[0] == '0' && buf[1] && buf[1] != 'x' && buf[1] != 'X' )
        fuzz_fail("a leading 0 was accepted", buf);
    if ( buf[0] != '0' || !buf[1] )
    {
        /* Decimal: it must print back the same. */
        char again[40];

        snprintf(again, sizeof(again), "%llu", (unsigned long long)v);
        if ( strcmp(again, buf) )
            fuzz_fail("a decimal number read back differently", buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run_guest g;
    unsigned int i, lines = count_lines(data, size), at;
    char err[512];

    check_number(data, size);
    err[0] = '\0';
    if ( run_config_parse((const char *)data, size, "fuzz.cfg", &g, err,
                          sizeof(err)) )
    {
        if ( strncmp(err, "fuzz.cfg:", 9) || sscanf(err + 9, "%u", &at) != 1 ||
             at < 1 || at > lines || strchr(err, '\n') )
            fuzz_fail("refused without 'fuzz.cfg:LINE: '", err);
        return 0;
    }
    if ( !g.name[0] || g.memory_mib < 1 || !g.memory_line ||
         g.memory_line > lines )
        fuzz_fail("accepted a guest without name or memory", g.name);
    for ( i = 0; i < g.nr_dtdevs; i++ )
        if ( g.dtdevs[i][0] != '/' || !g.dtdev_lines[i] ||
             g.dtdev_lines[i] > lines )
            fuzz_fail("accepted a dtdev that is not absolute", g.dtdevs[i]);
    run_guest_free(&g);
    return 0;
}
