/*
 * Boots the simulated platform on every device tree named on the command
 * line and checks, against libfdt as an independent oracle, that the SoC
 * has one IPMMU model per IPMMU node, each answering at its DT address,
 * exactly one root, and a DMA port per `iommus` entry.
 *
 *   check_platform_dtbs SUMMARY_FILE FILE.dtb...
 *
 * Prints one line per tree; appends "passed N" / "failed N" to SUMMARY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hw/soc.h"

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *buf = NULL;
    long len;

    if ( !f )
        return NULL;
    if ( fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
         fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
         fread(buf, 1, (size_t)len, f) != (size_t)len )
    {
        free(buf);
        buf = NULL;
    }
    *size = buf ? (size_t)len : 0;
    fclose(f);
    return buf;
}

static bool compat_is_ipmmu(const void *fdt, int node)
{
    int len, i = 0;
    const char *s = fdt_getprop(fdt, node, "compatible", &len);

    if ( !s || !fdt_getprop(fdt, node, "#iommu-cells", NULL) )
        return false;
    while ( i < len )
    {
        if ( !strncmp(s + i, "renesas,ipmmu-", 14) ||
             !strcmp(s + i, "renesas,rcar-gen4-ipmmu-vmsa") )
            return true;
        i += (int)strnlen(s + i, (size_t)(len - i)) + 1;
    }
    return false;
}

/* What libfdt says the SoC must contain. */
static void count_expected(const void *fdt, unsigned int *ipmmus,
                           unsigned int *roots, unsigned int *masters)
{
    int node;

    *ipmmus = *roots = *masters = 0;
    for ( node = fdt_next_node(fdt, -1, NULL); node >= 0;
          node = fdt_next_node(fdt, node, NULL) )
    {
        if ( compat_is_ipmmu(fdt, node) )
        {
            (*ipmmus)++;
            if ( !fdt_getprop(fdt, node, "renesas,ipmmu-main", NULL) )
                (*roots)++;
        }
        if ( fdt_getprop(fdt, node, "iommus", NULL) )
            (*masters)++;
    }
}

static const char *check_one(const void *fdt, size_t size)
{
    static char why[300];
    unsigned int ipmmus, roots, masters, i;
    struct soc *soc;

    count_expected(fdt, &ipmmus, &roots, &masters);
    if ( platform_boot(fdt, size, why, sizeof(why)) )
        return why;
    soc = platform_soc();
    if ( soc_nr_ipmmus(soc) != ipmmus )
        snprintf(why, sizeof(why), "%u IPMMU models for %u IPMMU nodes",
                 soc_nr_ipmmus(soc), ipmmus);
    else if ( roots != 1 || !soc_root_ipmmu(soc) )
        snprintf(why, sizeof(why), "%u root IPMMUs in the tree", roots);
    else if ( soc_nr_masters(soc) != masters )
        snprintf(why, sizeof(why), "%u masters with DMA ports, %u in the tree",
                 soc_nr_masters(soc), masters);
    else
        why[0] = '\0';
    /* Every window answers at its address: IMCTR of context 0 reads 0. */
    for ( i = 0; !why[0] && i < soc_nr_windows(soc); i++ )
    {
        const struct soc_window *w = soc_window(soc, i);
        uint32_t v;

        if ( strcmp(w->name, "prr") && hosted_mmio_read32(w->base +
             ipmmu_model_ctx_reg(ipmmu_model_layout(w->opaque), 0, 0), &v) )
            snprintf(why, sizeof(why), "%s does not answer at %#lx", w->name,
                     (unsigned long)w->base);
    }
    platform_shutdown();
    return why[0] ? why : NULL;
}

int main(int argc, char **argv)
{
    unsigned int passed = 0, failed = 0;
    FILE *summary;
    int i;

    if ( argc < 3 )
    {
        fprintf(stderr, "usage: %s SUMMARY FILE.dtb...\n", argv[0]);
        return 2;
    }
    console_set_echo(false);
    for ( i = 2; i < argc; i++ )
    {
        size_t size;
        void *fdt = read_file(argv[i], &size);
        const char *why = fdt ? check_one(fdt, size) : "cannot read";

        if ( why )
        {
            printf("FAIL %s: %s\n", argv[i], why);
            failed++;
        }
        else
            passed++;
        free(fdt);
    }
    printf("platform boot: %u trees passed, %u failed\n", passed, failed);
    summary = fopen(argv[1], "a");
    if ( summary )
    {
        fprintf(summary, "passed %u\nfailed %u\n", passed, failed);
        fclose(summary);
    }
    return failed ? 1 : 0;
}
