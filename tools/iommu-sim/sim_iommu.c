/*
 * Which IOMMU a node is or sits behind (sim_iommu.h).
 */
#include <stdio.h>

#include <xen/device_tree.h>

#include "hosted/platform.h"
#include "hw/soc.h"
#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/sim_iommu.h"

bool sim_node_is_smmu(const struct dt_device_node *np)
{
    return platform_node_is_smmu(np);
}

bool sim_node_is_legacy_master(const struct dt_device_node *np)
{
    struct dt_device_node *s;

    if ( !np || !dt_find_property(np, "#stream-id-cells", NULL) )
        return false;
    dt_for_each_device_node(dt_host, s)
    {
        int i, n;

        if ( !sim_node_is_smmu(s) ||
             !dt_find_property(s, "mmu-masters", NULL) )
            continue;
        n = dt_count_phandle_with_args(s, "mmu-masters", "#stream-id-cells");
        for ( i = 0; i < n; i++ )
        {
            struct dt_phandle_args a;

            if ( !dt_parse_phandle_with_args(s, "mmu-masters",
                                             "#stream-id-cells", i, &a) &&
                 a.np == np )
                return true;
        }
    }
    return false;
}

/* An iommus entry names an IPMMU or an SMMU (not another kind). */
static bool iommus_name_modelled(const struct dt_device_node *np)
{
    int i, n;

    if ( !dt_find_property(np, "iommus", NULL) )
        return false;
    n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
    for ( i = 0; i < n; i++ )
    {
        struct dt_phandle_args a;

        if ( !dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                         &a) &&
             report_ref_kind_of(a.np) != REF_OTHER )
            return true;
    }
    return false;
}

bool sim_node_behind_iommu(const struct dt_device_node *np)
{
    return iommus_name_modelled(np) || sim_node_is_legacy_master(np);
}

unsigned int sim_disabled_smmus(char *why, size_t len)
{
    struct soc *soc = platform_soc();
    unsigned int i, n = 0;
    size_t used;

    used = snprintf(why, len, "disabled in the tree (status):");
    for ( i = 0; soc && i < soc_nr_smmus(soc); i++ )
    {
        const char *name = soc_smmu_desc(soc, i)->name;
        const struct dt_device_node *np = dt_find_node_by_path(name);

        if ( !np || dt_device_is_available(np) )
            continue;
        if ( used < len )
            used += snprintf(why + used, len - used, "%s %s", n ? "," : "",
                             name);
        n++;
    }
    if ( !n && len )
        why[0] = '\0';
    return n;
}
