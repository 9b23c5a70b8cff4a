/*
 * A boot and an IOMMU probe without domains (sim_probe.h).  The driver's
 * console tells why it refused; its first error line is the reason.
 */
#include <stdio.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/iommu.h>
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hw/ipmmu_model.h"
#include "hw/soc.h"
#include "tools/iommu-sim/sim_iommu.h"
#include "tools/iommu-sim/sim_probe.h"
#include "xen/drivers/passthrough/arm/smmu.h"

/* The first line at 'level' ("[ERR] ") of the captured console. */
static bool console_line(const char *level, char *buf, size_t len)
{
    const char *line = strstr(console_capture_text(), level);
    const char *end;
    size_t n;

    if ( !line )
        return false;
    line += strlen(level);
    end = strchr(line, '\n');
    n = end ? (size_t)(end - line) : strlen(line);
    if ( n >= len )
        n = len - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    return true;
}

/* The SMMUs the SMMU driver holds a device for. */
static unsigned int smmus_up(void)
{
    struct soc *soc = platform_soc();
    unsigned int i, n = 0;

    for ( i = 0; i < soc_nr_smmus(soc); i++ )
    {
        const struct dt_device_node *np =
            dt_find_node_by_path(soc_smmu_desc(soc, i)->name);

        if ( np && smmu_find_device(np) )
            n++;
    }
    return n;
}

int sim_probe_driver(const struct sim_tree *t, struct sim_probe *p,
                     void (*while_up)(void *opaque), void *opaque)
{
    struct ipmmu_model *root;
    char err[320];

    memset(p, 0, sizeof(*p));
    console_set_echo(false);
    console_capture_start();
    if ( platform_boot(t->blob, t->size, err, sizeof(err)) )
    {
        snprintf(p->why, sizeof(p->why), "%s", err);
        console_capture_stop();
        return -1;
    }
    p->nr_ipmmus = soc_nr_ipmmus(platform_soc());
    root = soc_root_ipmmu(platform_soc());
    if ( root )
        p->nr_contexts = ipmmu_model_layout(root)->nr_contexts;
    p->nr_smmus = soc_nr_smmus(platform_soc());
    iommu_setup();
    p->nr_up = iommu_hardware_count();
    p->nr_smmus_up = smmus_up();
    if ( p->nr_up < p->nr_ipmmus + p->nr_smmus && p->nr_smmus &&
         p->nr_up + sim_disabled_smmus(p->why, sizeof(p->why)) ==
         p->nr_ipmmus + p->nr_smmus )
        ;   /* the reason is the status of those nodes */
    else if ( p->nr_up < p->nr_ipmmus + p->nr_smmus &&
         !console_line("[ERR] ", p->why, sizeof(p->why)) &&
         !console_line("[WARN] ", p->why, sizeof(p->why)) )
        snprintf(p->why, sizeof(p->why), "no driver matches the %s' "
                 "compatible", p->nr_smmus ? "IOMMUs" : "IPMMUs");
    if ( while_up )
        while_up(opaque);
    iommu_hardware_teardown();
    platform_shutdown();
    console_capture_stop();
    return 0;
}
