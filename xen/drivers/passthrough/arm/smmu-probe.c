/*
 * Arm SMMU probing: which nodes are ours and of which architecture, the
 * ID registers that size everything, the reset that leaves every stream
 * blocked, the interrupts, the legacy mmu-masters binding, and the
 * shutdown that undoes them all.
 *
 * Legacy binding.  `mmu-masters = <&master sid...>` on the SMMU node (with
 * `#stream-id-cells` on each master) lists the masters from the SMMU's
 * side, which the IOMMU core's iommu_add_dt_device() cannot read: it
 * knows only `iommus`.  So the probe walks mmu-masters itself, builds each
 * master's fwspec and registers it (its streams are blocked from then on)
 * and marks the master protected; iommu_add_dt_device() then finds the
 * fwspec and has nothing left to do.  One SMMU uses one binding: a tree
 * whose `iommus` also names an SMMU with mmu-masters is refused.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <asm/device.h>
#include <asm/io.h>
#include <asm/iommu_fwspec.h>
#include <asm/p2m.h>
#include "smmu.h"

/* SMMUv1 walks AArch32 LPAE stage-2 tables: at most 40 bits in and out. */
#define SMMU_V1_MAX_ADDR_BITS   40U

DEFINE_SPINLOCK(smmu_lock);
LIST_HEAD(smmu_devices);

static const struct smmu_match_data smmu_generic_v1 = { "SMMUv1", 1 };
static const struct smmu_match_data smmu_generic_v2 = { "SMMUv2", 2 };
static const struct smmu_match_data smmu_mmu400 = { "MMU-400", 1 };
static const struct smmu_match_data smmu_mmu401 = { "MMU-401", 1 };
static const struct smmu_match_data smmu_mmu500 = { "MMU-500", 2 };
/*
 * Cavium's SMMUs need VMIDs unique across every SMMU of the system: the
 * VMID here is the P2M's, one per domain, so that holds.
 */
static const struct smmu_match_data smmu_cavium = { "Cavium SMMUv2", 2 };

static const struct dt_device_match smmu_dt_match[] = {
    { .compatible = "arm,smmu-v1", .data = &smmu_generic_v1 },
    { .compatible = "arm,smmu-v2", .data = &smmu_generic_v2 },
    { .compatible = "arm,mmu-400", .data = &smmu_mmu400 },
    { .compatible = "arm,mmu-401", .data = &smmu_mmu401 },
    { .compatible = "arm,mmu-500", .data = &smmu_mmu500 },
    { .compatible = "cavium,smmu-v2", .data = &smmu_cavium },
    { /* sentinel */ },
};

struct smmu_device *smmu_find_device(const struct dt_device_node *np)
{
    struct smmu_device *smmu;

    list_for_each_entry(smmu, &smmu_devices, list)
        if ( smmu->np == np )
            return smmu;

    return NULL;
}

/* ---- ID registers ---- */

/* A refusal: one line saying what the hardware lacks. */
static int smmu_refuse(const struct smmu_device *smmu, const char *why)
{
    printk(XENLOG_ERR "SMMU: %s: this %s cannot be used: %s\n", smmu->name,
           smmu->data->name, why);
    return -EOPNOTSUPP;
}

static int smmu_read_ids(struct smmu_device *smmu, paddr_t size)
{
    uint32_t id0 = smmu_gr0_read(smmu, SMMU_GR0_ID0);
    uint32_t id1 = smmu_gr0_read(smmu, SMMU_GR0_ID1);
    uint32_t id2 = smmu_gr0_read(smmu, SMMU_GR0_ID2);
    unsigned int v1 = smmu->data->version < 2, sidb;
    paddr_t need;

    if ( !(id0 & ID0_S2TS) )
        return smmu_refuse(smmu, "no stage-2 translation (ID0.S2TS = 0), "
                           "so it cannot share the P2M");
    if ( !(id0 & ID0_SMS) )
        return smmu_refuse(smmu, "stream indexing only (ID0.SMS = 0); this "
                           "driver needs stream matching");
    if ( v1 && ((id0 >> 24) & 3) == 2 )
        return smmu_refuse(smmu, "no long-descriptor (LPAE) tables");
    if ( !v1 && !(id2 & ID2_PTFS_4K) )
        return smmu_refuse(smmu, "no AArch64 4K-granule tables "
                           "(ID2.PTFS_4K = 0)");

    smmu->pgshift = (id1 & ID1_PAGESIZE) ? 16 : 12;
    smmu->numpage = 1U << (ID1_NUMPAGENDXB(id1) + 1);
    need = (paddr_t)2 * smmu->numpage << smmu->pgshift;
    if ( size < need )
    {
        printk(XENLOG_ERR "SMMU: %s: register window %#llx bytes, its ID "
               "registers need %#llx\n", smmu->name,
               (unsigned long long)size, (unsigned long long)need);
        return -EINVAL;
    }

    smmu->nr_smes = ID0_NUMSMRG(id0);
    smmu->nr_cbs = ID1_NUMCB(id1);
    if ( !smmu->nr_smes || !smmu->nr_cbs || smmu->nr_cbs > smmu->numpage )
        return smmu_refuse(smmu, "no stream match register or no usable "
                           "context bank");

    sidb = ID0_NUMSIDB(id0);
    if ( sidb > SMR_ID_BITS )
        sidb = SMR_ID_BITS;          /* extended stream IDs are not used */
    smmu->sid_mask = (1U << sidb) - 1;

    /* The P2M's VMIDs are 8 bits: VMID16 is recorded, never enabled. */
    smmu->vmid16 = !v1 && (id2 & ID2_VMID16);
    smmu->ipa_bits = smmu_addr_size_bits(ID2_IAS(id2));
    smmu->pa_bits = smmu_addr_size_bits(ID2_OAS(id2));
    if ( v1 )
    {
        smmu->ipa_bits = min(smmu->ipa_bits, SMMU_V1_MAX_ADDR_BITS);
        smmu->pa_bits = min(smmu->pa_bits, SMMU_V1_MAX_ADDR_BITS);
    }
    if ( smmu->pa_bits < P2M_PA_BITS )
        return smmu_refuse(smmu, "its output addresses are narrower than "
                           "the P2M's (ID2.OAS)");
    if ( smmu->ipa_bits < P2M_MIN_IPA_BITS )
        return smmu_refuse(smmu, "its input addresses are narrower than any "
                           "P2M (ID2.IAS)");

    return 0;
}

/* ---- Reset ---- */

/* Every stream blocked, every bank off, the TLB empty; 0 or -ETIMEDOUT. */
static int smmu_reset(struct smmu_device *smmu)
{
    uint32_t cr0;
    unsigned int i;
    int rc;

    smmu_gr0_write(smmu, SMMU_GR0_sGFSR,
                   smmu_gr0_read(smmu, SMMU_GR0_sGFSR));
    for ( i = 0; i < smmu->nr_smes; i++ )
    {
        smmu_gr0_write(smmu, SMMU_GR0_SMR(i), 0);
        smmu_gr0_write(smmu, SMMU_GR0_S2CR(i), S2CR_TYPE_FAULT);
        smmu->smes[i].cb = SMMU_NONE;
    }
    for ( i = 0; i < smmu->nr_cbs; i++ )
    {
        smmu_cb_disable(smmu, i);
        smmu_gr1_write(smmu, SMMU_GR1_CBAR(i), 0);
    }

    rc = smmu_tlb_inv_all(smmu);
    if ( rc )
        return rc;

    /*
     * Fault reports on, no TLB broadcast from the CPUs, unmatched streams
     * fault (USFCFG) rather than bypass, client access on.
     */
    cr0 = smmu_gr0_read(smmu, SMMU_GR0_sCR0);
    cr0 |= sCR0_GFRE | sCR0_GFIE | sCR0_GCFGFRE | sCR0_GCFGFIE |
           sCR0_VMIDPNE | sCR0_PTM | sCR0_USFCFG;
    cr0 &= ~(sCR0_CLIENTPD | sCR0_FB | sCR0_BSU_MASK);
    smmu_gr0_write(smmu, SMMU_GR0_sCR0, cr0);

    return 0;
}

/* ---- Interrupts ---- */

static void smmu_release_irqs(struct smmu_device *smmu)
{
    unsigned int i;

    for ( i = 0; i < smmu->nr_irqs; i++ )
        release_irq(smmu->irqs[i], smmu);
    smmu->nr_irqs = 0;
    xfree(smmu->irqs);
    smmu->irqs = NULL;
}

/*
 * `#global-interrupts` global lines, then the context lines.  Lines may
 * repeat (shared): each distinct one is requested once.
 */
static int smmu_setup_irqs(struct smmu_device *smmu)
{
    unsigned int nglobal, total, i, j;
    int rc;

    if ( !dt_property_read_u32(smmu->np, "#global-interrupts", &nglobal) )
    {
        printk(XENLOG_ERR "SMMU: %s: no #global-interrupts\n", smmu->name);
        return -EINVAL;
    }
    total = dt_number_of_irq(smmu->np);
    if ( !nglobal || total <= nglobal )
    {
        printk(XENLOG_ERR "SMMU: %s: %u interrupts for %u global ones: at "
               "least one global and one context interrupt are needed\n",
               smmu->name, total, nglobal);
        return -EINVAL;
    }
    smmu->nr_ctx_irqs = total - nglobal;

    smmu->irqs = xzalloc_array(int, total);
    if ( !smmu->irqs )
        return -ENOMEM;

    for ( i = 0; i < total; i++ )
    {
        int irq = platform_get_irq(smmu->np, i);

        if ( irq < 0 )
        {
            printk(XENLOG_ERR "SMMU: %s: interrupt %u cannot be decoded\n",
                   smmu->name, i);
            rc = -EINVAL;
            goto fail;
        }
        for ( j = 0; j < smmu->nr_irqs && smmu->irqs[j] != irq; j++ )
            continue;
        if ( j < smmu->nr_irqs )
            continue;

        rc = request_irq(irq, 0, smmu_irq, "smmu", smmu);
        if ( rc )
        {
            printk(XENLOG_ERR "SMMU: %s: cannot request IRQ %d: %d (%s)\n",
                   smmu->name, irq, rc, errno_name(rc));
            goto fail;
        }
        smmu->irqs[smmu->nr_irqs++] = irq;
    }

    return 0;

 fail:
    smmu_release_irqs(smmu);
    return rc;
}

/* ---- The legacy binding ---- */

/* The node of an `iommus` entry naming smmu, or NULL. */
static struct dt_device_node *smmu_iommus_user(const struct smmu_device *smmu)
{
    struct dt_device_node *np;
    struct dt_phandle_args args;
    int i, n;

    dt_for_each_device_node(dt_host, np)
    {
        n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        for ( i = 0; i < n; i++ )
            if ( !dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                             &args) && args.np == smmu->np )
                return np;
    }

    return NULL;
}

/* Undo the masters registered from mmu-masters (probe failed). */
static void smmu_legacy_unregister(struct smmu_device *smmu)
{
    struct smmu_master *m, *next;

    list_for_each_entry_safe(m, next, &smmu->masters, smmu_entry)
    {
        struct dt_device_node *np = dev_to_dt(m->dev);

        /* Frees m through free_fwspec_priv. */
        iommu_fwspec_free(m->dev);
        np->is_protected = false;
    }
}

static int smmu_legacy_add_master(struct smmu_device *smmu,
                                  const struct dt_phandle_args *args)
{
    struct device *dev = dt_to_dev(args->np);
    unsigned int i;
    int rc;

    if ( !args->args_count )
    {
        printk(XENLOG_ERR "SMMU: %s: mmu-masters names %s without a stream "
               "ID\n", smmu->name, dt_node_full_name(args->np));
        return -EINVAL;
    }

    rc = iommu_fwspec_init(dev, dt_to_dev(smmu->np));
    if ( rc == -EINVAL )
        printk(XENLOG_ERR "SMMU: %s: master %s already belongs to another "
               "IOMMU\n", smmu->name, dt_node_full_name(args->np));
    if ( !rc )
        rc = smmu_master_create(dev, smmu);

    for ( i = 0; !rc && i < (unsigned int)args->args_count; i++ )
    {
        uint32_t sid = args->args[i];

        if ( sid & ~smmu->sid_mask )
        {
            printk(XENLOG_ERR "SMMU: %s: stream %#x of %s does not fit its "
                   "%u stream ID bits\n", smmu->name, sid,
                   dt_node_full_name(args->np),
                   (unsigned int)__builtin_popcount(smmu->sid_mask));
            rc = -EINVAL;
        }
        else
            rc = iommu_fwspec_add_ids(dev, &sid, 1);
    }

    if ( rc )
    {
        struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

        printk(XENLOG_ERR "SMMU: %s: cannot register %s from mmu-masters: "
               "%d (%s)\n", smmu->name, dt_node_full_name(args->np), rc,
               errno_name(rc));
        /* A fwspec without a master is on no list: free it here. */
        if ( fwspec && !fwspec->iommu_priv )
            iommu_fwspec_free(dev);
    }

    return rc;
}

/*
 * Build the fwspec of every master named by mmu-masters, then register
 * each (its streams are blocked from now on) and mark it protected.
 */
static int smmu_legacy_probe(struct smmu_device *smmu)
{
    struct dt_device_node *user = smmu_iommus_user(smmu);
    struct dt_phandle_args args;
    struct smmu_master *m;
    int i, n, rc = 0;

    if ( user )
    {
        printk(XENLOG_ERR "SMMU: %s: has mmu-masters (legacy binding) and "
               "%s names it in iommus (generic binding): one SMMU cannot use "
               "both\n", smmu->name, dt_node_full_name(user));
        return -EINVAL;
    }

    n = dt_count_phandle_with_args(smmu->np, "mmu-masters",
                                   "#stream-id-cells");
    if ( n < 0 )
    {
        printk(XENLOG_ERR "SMMU: %s: malformed mmu-masters: %d (%s)\n",
               smmu->name, n, errno_name(n));
        return n;
    }

    for ( i = 0; i < n && !rc; i++ )
    {
        rc = dt_parse_phandle_with_args(smmu->np, "mmu-masters",
                                        "#stream-id-cells", i, &args);
        if ( rc )
            printk(XENLOG_ERR "SMMU: %s: mmu-masters entry %d cannot be "
                   "parsed: %d (%s)\n", smmu->name, i, rc, errno_name(rc));
        else
            rc = smmu_legacy_add_master(smmu, &args);
    }

    list_for_each_entry(m, &smmu->masters, smmu_entry)
    {
        if ( rc )
            break;
        rc = smmu_add_device(0, m->dev);
        if ( rc )
            printk(XENLOG_ERR "SMMU: %s: cannot register %s: %d (%s)\n",
                   smmu->name, smmu_dev_name(m->dev), rc, errno_name(rc));
    }

    if ( rc )
    {
        smmu_legacy_unregister(smmu);
        return rc;
    }

    list_for_each_entry(m, &smmu->masters, smmu_entry)
        dt_device_set_protected(dev_to_dt(m->dev));
    printk(XENLOG_INFO "SMMU: %s: %d masters from mmu-masters (legacy "
           "binding)\n", smmu->name, n);

    return 0;
}

/* ---- Probe ---- */

static int smmu_map_regs(struct smmu_device *smmu, paddr_t *size)
{
    paddr_t addr;
    int rc;

    rc = dt_device_get_paddr(smmu->np, 0, &addr, size);
    if ( rc )
    {
        printk(XENLOG_ERR "SMMU: %s: no usable reg: %d (%s)\n", smmu->name,
               rc, errno_name(rc));
        return rc;
    }
    /* The ID registers sit in the first page of any SMMU. */
    if ( *size < 0x1000 )
    {
        printk(XENLOG_ERR "SMMU: %s: register window %#llx bytes is too "
               "small for an SMMU\n", smmu->name,
               (unsigned long long)*size);
        return -EINVAL;
    }

    smmu->base = ioremap_nocache(addr, *size);
    if ( !smmu->base )
    {
        printk(XENLOG_ERR "SMMU: %s: cannot map its registers\n",
               smmu->name);
        return -ENOMEM;
    }

    return 0;
}

static void smmu_free(struct smmu_device *smmu)
{
    if ( smmu->base )
        iounmap(smmu->base);
    xfree(smmu->smes);
    xfree(smmu->cbs);
    xfree(smmu->irqs);
    xfree(smmu);
}

/* Install the ops: the legacy binding's fwspecs need them already. */
static int smmu_install_ops(struct smmu_device *smmu)
{
    iommu_set_ops(&smmu_ops);
    if ( iommu_get_ops() == &smmu_ops )
        return 0;

    printk(XENLOG_ERR "SMMU: %s: another IOMMU driver is in use\n",
           smmu->name);
    return -EBUSY;
}

static int smmu_probe(struct dt_device_node *np, const void *data)
{
    const struct dt_device_match *match = dt_match_node(smmu_dt_match, np);
    struct smmu_device *smmu;
    unsigned long flags;
    paddr_t size;
    int rc;

    (void)data;
    if ( !match )
        return -ENODEV;
    if ( smmu_find_device(np) )
        return 0;

    smmu = xzalloc(struct smmu_device);
    if ( !smmu )
        return -ENOMEM;
    smmu->np = np;
    smmu->name = dt_node_full_name(np);
    smmu->data = match->data;
    smmu->legacy = dt_find_property(np, "mmu-masters", NULL) != NULL;
    INIT_LIST_HEAD(&smmu->masters);
    INIT_LIST_HEAD(&smmu->list);

    rc = smmu_map_regs(smmu, &size);
    if ( !rc )
        rc = smmu_read_ids(smmu, size);
    if ( rc )
        goto fail;

    smmu->smes = xzalloc_array(struct smmu_sme, smmu->nr_smes);
    smmu->cbs = xzalloc_array(struct smmu_cb, smmu->nr_cbs);
    rc = -ENOMEM;
    if ( !smmu->smes || !smmu->cbs )
        goto fail;

    rc = smmu_reset(smmu);
    if ( rc )
        goto fail;

    rc = smmu_setup_irqs(smmu);
    if ( rc )
        goto fail;

    rc = smmu_install_ops(smmu);
    if ( rc )
        goto fail_irqs;

    spin_lock_irqsave(&smmu_lock, flags);
    list_add_tail(&smmu->list, &smmu_devices);
    spin_unlock_irqrestore(&smmu_lock, flags);

    if ( smmu->legacy )
    {
        rc = smmu_legacy_probe(smmu);
        if ( rc )
        {
            spin_lock_irqsave(&smmu_lock, flags);
            list_del(&smmu->list);
            spin_unlock_irqrestore(&smmu_lock, flags);
            goto fail_irqs;
        }
    }

    /* The P2M is shared: it must fit the SMMU's input size. */
    p2m_restrict_ipa_bits(min(smmu->ipa_bits, (unsigned int)P2M_MAX_IPA_BITS));

    printk(XENLOG_INFO "SMMU: %s: %s (v%u), %u stream match registers, %u "
           "context banks, %u-bit stream IDs, 8-bit VMIDs%s, %u-bit IPA, "
           "%u-bit PA, %u interrupts, %s binding\n", smmu->name,
           smmu->data->name, smmu->data->version, smmu->nr_smes,
           smmu->nr_cbs, (unsigned int)__builtin_popcount(smmu->sid_mask),
           smmu->vmid16 ? " (16 available)" : "", smmu->ipa_bits,
           smmu->pa_bits, smmu->nr_irqs,
           smmu->legacy ? "legacy mmu-masters" : "generic iommus");
    if ( !smmu_quarantine() )
        printk(XENLOG_WARNING "SMMU: %s: iommu=no-quarantine: streams of "
               "unassigned devices get no stream match entry; only "
               "sCR0.USFCFG makes their DMA fault (as upstream Xen)\n",
               smmu->name);

    return 0;

 fail_irqs:
    smmu_release_irqs(smmu);
 fail:
    smmu_free(smmu);
    return rc;
}

/* Undo every probe, so that a hosted program can boot another board. */
void smmu_shutdown(void)
{
    struct smmu_device *smmu, *next;
    struct smmu_master *m, *m_next;
    LIST_HEAD(gone);
    unsigned long flags;
    unsigned int i;

    /* No fault report may run while the instances go away. */
    list_for_each_entry(smmu, &smmu_devices, list)
        smmu_release_irqs(smmu);

    spin_lock_irqsave(&smmu_lock, flags);
    list_for_each_entry_safe(smmu, next, &smmu_devices, list)
    {
        /* Devices still registered (even assigned) forget the SMMU. */
        smmu_release_masters_locked(smmu, &gone);
        for ( i = 0; i < smmu->nr_cbs; i++ )
        {
            if ( smmu->cbs[i].owner )
                printk(XENLOG_WARNING "SMMU: %s: shutdown with context bank "
                       "%u still in use\n", smmu->name, i);
            smmu_cb_disable(smmu, i);
        }
        for ( i = 0; i < smmu->nr_smes; i++ )
            if ( smmu->smes[i].valid )
                smmu_sme_release(smmu, i);
        if ( !list_empty(&smmu->masters) )
            printk(XENLOG_WARNING "SMMU: %s: shutdown with masters still "
                   "registered\n", smmu->name);
        /* Back to the reset state: translation off, clients bypass. */
        smmu_gr0_write(smmu, SMMU_GR0_sCR0, sCR0_CLIENTPD);
        list_del(&smmu->list);
        smmu_free(smmu);
    }
    spin_unlock_irqrestore(&smmu_lock, flags);

    list_for_each_entry_safe(m, m_next, &gone, smmu_entry)
        xfree(m);
}

DT_DEVICE_START(smmu, "Arm SMMU (v1/v2)", DEVICE_IOMMU)
    .dt_match = smmu_dt_match,
    .init = smmu_probe,
DT_DEVICE_END
