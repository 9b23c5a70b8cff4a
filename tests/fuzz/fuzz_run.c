/*
 * libFuzzer target for what 'iommu-sim run --dtb' does with a blob up to
 * the first DMA: the door (tools/iommu-sim/sim_tree.c), the
 * xen,passthrough rewrite of the first master, the platform build, the
 * IOMMU probe, the quarantine of every master and the hardware domain
 * (built, its devices assigned, destroyed), then the teardown.
 *
 * Beyond the sanitizers, a run aborts when:
 *  - the door refuses a blob without exactly one line naming the input,
 *    or leaves a host tree behind;
 *  - a validated tree cannot be marked, or the platform refuses one
 *    without a message;
 *  - a page of RAM is still allocated after the teardown.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/err.h>
#include <xen/iommu.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/domain_build.h>
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "tools/iommu-sim/sim_tree.h"

#define FUZZ_DOM0_BYTES (4ULL << 20)

static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_run: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    fprintf(stderr, "console:\n%s\n", console_capture_text());
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    console_set_echo(false);
    return 0;
}

/* The first available master with iommus, as run's default guest. */
static const char *first_master(void)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) &&
             dt_device_is_available(np) )
            return dt_node_full_name(np);
    return NULL;
}

static void boot_probe_dom0(const struct sim_tree *t)
{
    struct dt_device_node *np;
    struct domain *dom0;
    char err[512];

    console_capture_start();
    err[0] = '\0';
    if ( platform_boot(t->blob, t->size, err, sizeof(err)) )
    {
        if ( !err[0] || strchr(err, '\n') )
            fuzz_fail("platform_boot refused without one line", err);
        console_capture_stop();
        return;
    }
    iommu_setup();
    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) &&
             dt_device_is_available(np) )
            iommu_add_dt_device(np);
    dom0 = domain_create(0, "dom0", CDF_privileged | CDF_directmap | CDF_iommu,
                         FUZZ_DOM0_BYTES);
    if ( !IS_ERR(dom0) )
    {
        domain_build_assign_dt_devices(dom0);
        domain_destroy(dom0);
    }
    iommu_hardware_teardown();
    if ( hosted_pages_free() != hosted_pages_total() )
        fuzz_fail("RAM still allocated after the teardown", NULL);
    platform_shutdown();
    console_capture_stop();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sim_tree t;
    const char *master;
    char err[640];

    err[0] = '\0';
    if ( sim_tree_load(data, size, "fuzz.dtb", &t, NULL, err, sizeof(err)) )
    {
        if ( strncmp(err, "fuzz.dtb: ", 10) || strchr(err, '\n') )
            fuzz_fail("refused without one line naming the input", err);
        if ( dt_host )
            fuzz_fail("a refused tree left a host tree", err);
        return 0;
    }
    master = first_master();
    if ( master )
    {
        char *path = strdup(master);

        if ( !path )
            abort();
        if ( sim_tree_mark_passthrough(&t, (const char *const *)&path, 1, err,
                                       sizeof(err)) )
            fuzz_fail("a validated tree could not be marked", err);
        free(path);
    }
    boot_probe_dom0(&t);
    sim_tree_free(&t);
    return 0;
}
