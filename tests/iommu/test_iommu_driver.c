/*
 * The recording test IOMMU driver (see test_iommu_driver.h).  It is
 * written against the hypervisor's interfaces only, like a real driver,
 * and lives in the test program: its DT_DEVICE_START entry lands in the
 * program's "xen_dev_info" section next to any driver of the core.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/device.h>
#include <asm/iommu_fwspec.h>

#include "test_iommu_driver.h"

struct tiommu {
    struct list_head list;
    struct dt_device_node *np;
    bool is_root;
};

struct tiommu_domain {
    struct domain *d;
    bool hwdom_ready;                /* hwdom_init ran */
    unsigned int nr_devices;
    unsigned long nr_mapped;         /* pages mapped by map_page */
};

struct tiommu_master {
    struct tiommu *mmu;
    bool added;
    enum tiommu_dev_state state;
    struct domain *owner;
};

static LIST_HEAD(instances);
static unsigned int nr_domains, nr_devices, protocol_errors;
static bool dom_io_ready;

static struct tiommu_call calls[TIOMMU_MAX_CALLS];
static unsigned int nr_calls;

static struct {
    bool armed;
    unsigned int skip;
    int rc;
} failures[TIOMMU_NR_OPS];

#define MAX_PROBE_FAILURES 8
static struct {
    const struct dt_device_node *np;
    int rc;
} probe_failures[MAX_PROBE_FAILURES];

static int record(enum tiommu_op op, const struct dt_device_node *np,
                  const struct domain *d, const struct domain *from, int rc)
{
    if ( nr_calls < TIOMMU_MAX_CALLS )
    {
        struct tiommu_call *c = &calls[nr_calls++];

        c->op = op;
        c->np = np;
        c->domid = d ? d->domain_id : DOMID_INVALID;
        c->from = from ? from->domain_id : DOMID_INVALID;
        c->rc = rc;
    }
    return rc;
}

static void protocol_error(const char *what, const struct dt_device_node *np)
{
    protocol_errors++;
    printk(XENLOG_ERR "tiommu: protocol error: %s (%s)\n", what,
           dt_node_full_name(np));
}

/* An armed failure for op, consumed when it fires. */
static int injected(enum tiommu_op op)
{
    if ( !failures[op].armed )
        return 0;
    if ( failures[op].skip )
    {
        failures[op].skip--;
        return 0;
    }
    failures[op].armed = false;
    return failures[op].rc;
}

static struct tiommu *find_instance(const struct dt_device_node *np)
{
    struct tiommu *mmu;

    list_for_each_entry(mmu, &instances, list)
        if ( mmu->np == np )
            return mmu;
    return NULL;
}

static struct tiommu_master *master_of(device_t *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    return fwspec ? fwspec->iommu_priv : NULL;
}

static struct tiommu_domain *domain_of(struct domain *d)
{
    return d ? dom_iommu(d)->arch.priv : NULL;
}

/* ---- per-domain hooks ---- */

static int tiommu_init(struct domain *d)
{
    struct tiommu_domain *td;
    int rc = injected(TIOMMU_INIT);

    if ( domain_of(d) )
        protocol_error("init of a domain twice", NULL);
    if ( rc )
        return record(TIOMMU_INIT, NULL, d, NULL, rc);

    td = xzalloc(struct tiommu_domain);
    if ( !td )
        return record(TIOMMU_INIT, NULL, d, NULL, -ENOMEM);
    td->d = d;
    dom_iommu(d)->arch.priv = td;
    /* dom_io is the core's, set up at boot: counted apart from guests. */
    if ( d->domain_id == DOMID_IO )
        dom_io_ready = true;
    else
        nr_domains++;

    return record(TIOMMU_INIT, NULL, d, NULL, 0);
}

static void tiommu_hwdom_init(struct domain *d)
{
    struct tiommu_domain *td = domain_of(d);

    if ( !td || td->hwdom_ready )
        protocol_error("hwdom_init before init, or twice", NULL);
    if ( td )
        td->hwdom_ready = true;
    record(TIOMMU_HWDOM_INIT, NULL, d, NULL, 0);
}

static void tiommu_teardown(struct domain *d)
{
    struct tiommu_domain *td = domain_of(d);

    record(TIOMMU_TEARDOWN, NULL, d, NULL, 0);
    if ( !td )
    {
        protocol_error("teardown of a domain never initialised", NULL);
        return;
    }
    if ( td->nr_devices )
        protocol_error("teardown with devices still assigned", NULL);
    xfree(td);
    dom_iommu(d)->arch.priv = NULL;
    if ( d->domain_id == DOMID_IO )
        dom_io_ready = false;
    else
        nr_domains--;
}

/* ---- device hooks ---- */

static int tiommu_dt_xlate(device_t *dev, const struct dt_phandle_args *args)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct tiommu *mmu = find_instance(args->np);
    struct tiommu_master *m;
    int rc = injected(TIOMMU_DT_XLATE);

    if ( !fwspec || fwspec->iommu_dev != dt_to_dev(args->np) )
        protocol_error("dt_xlate without a fwspec for this IOMMU",
                       dev_to_dt(dev));
    if ( rc )
        return record(TIOMMU_DT_XLATE, dev_to_dt(dev), NULL, NULL, rc);
    if ( !fwspec || !mmu )
        return record(TIOMMU_DT_XLATE, dev_to_dt(dev), NULL, NULL, -ENODEV);
    if ( args->args_count != 1 )
        return record(TIOMMU_DT_XLATE, dev_to_dt(dev), NULL, NULL, -EINVAL);

    m = fwspec->iommu_priv;
    if ( !m )
    {
        m = xzalloc(struct tiommu_master);
        if ( !m )
            return record(TIOMMU_DT_XLATE, dev_to_dt(dev), NULL, NULL,
                          -ENOMEM);
        m->mmu = mmu;
        fwspec->iommu_priv = m;
    }

    rc = iommu_fwspec_add_ids(dev, args->args, 1);
    return record(TIOMMU_DT_XLATE, dev_to_dt(dev), NULL, NULL, rc);
}

static int tiommu_add_device(uint8_t devfn, device_t *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct tiommu_master *m = master_of(dev);
    int rc = injected(TIOMMU_ADD_DEVICE);

    if ( devfn || !fwspec || !fwspec->num_ids || !m )
        protocol_error("add_device without ids", dev_to_dt(dev));
    if ( m && m->added )
        protocol_error("add_device twice", dev_to_dt(dev));
    if ( rc || !m )
        return record(TIOMMU_ADD_DEVICE, dev_to_dt(dev), NULL, NULL,
                      rc ?: -EINVAL);

    m->added = true;
    m->state = TIOMMU_DEV_QUARANTINED;
    nr_devices++;
    return record(TIOMMU_ADD_DEVICE, dev_to_dt(dev), NULL, NULL, 0);
}

static int tiommu_remove_device(uint8_t devfn, device_t *dev)
{
    struct tiommu_master *m = master_of(dev);
    int rc = injected(TIOMMU_REMOVE_DEVICE);

    (void)devfn;
    if ( !m || !m->added || m->state != TIOMMU_DEV_QUARANTINED )
        protocol_error("remove_device of a device not quarantined",
                       dev_to_dt(dev));
    if ( rc || !m )
        return record(TIOMMU_REMOVE_DEVICE, dev_to_dt(dev), NULL, NULL,
                      rc ?: -EINVAL);

    m->added = false;
    m->state = TIOMMU_DEV_UNKNOWN;
    nr_devices--;
    return record(TIOMMU_REMOVE_DEVICE, dev_to_dt(dev), NULL, NULL, 0);
}

static int tiommu_assign_device(struct domain *d, uint8_t devfn,
                                device_t *dev, uint32_t flag)
{
    struct tiommu_master *m = master_of(dev);
    struct tiommu_domain *td = domain_of(d);
    int rc = injected(TIOMMU_ASSIGN);

    (void)devfn;
    (void)flag;
    if ( !m || !m->added || m->state != TIOMMU_DEV_QUARANTINED || !td )
        protocol_error("assign of a device not quarantined, or to a domain "
                       "without IOMMU state", dev_to_dt(dev));
    if ( rc || !m || !td )
        return record(TIOMMU_ASSIGN, dev_to_dt(dev), d, NULL, rc ?: -EINVAL);

    m->state = TIOMMU_DEV_ASSIGNED;
    m->owner = d;
    td->nr_devices++;
    return record(TIOMMU_ASSIGN, dev_to_dt(dev), d, NULL, 0);
}

static int tiommu_reassign_device(struct domain *s, struct domain *t,
                                  uint8_t devfn, device_t *dev)
{
    struct tiommu_master *m = master_of(dev);
    struct tiommu_domain *ts = domain_of(s);
    int rc = injected(TIOMMU_REASSIGN);

    (void)devfn;
    if ( !m || m->state != TIOMMU_DEV_ASSIGNED || m->owner != s || !ts )
        protocol_error("reassign from a domain that does not own it",
                       dev_to_dt(dev));
    /* The core takes a device away as Xen's does: target NULL. */
    if ( t )
        protocol_error("reassign to a domain instead of NULL",
                       dev_to_dt(dev));
    if ( rc || !m || !ts )
        return record(TIOMMU_REASSIGN, dev_to_dt(dev), t, s, rc ?: -EINVAL);

    m->state = TIOMMU_DEV_QUARANTINED;
    m->owner = NULL;
    ts->nr_devices--;
    return record(TIOMMU_REASSIGN, dev_to_dt(dev), t, s, 0);
}

static int tiommu_iotlb_flush(struct domain *d, dfn_t dfn,
                              unsigned long page_count,
                              unsigned int flush_flags)
{
    (void)dfn;
    (void)page_count;
    (void)flush_flags;
    if ( !domain_of(d) )
        protocol_error("flush of a domain without IOMMU state", NULL);
    return record(TIOMMU_IOTLB_FLUSH, NULL, d, NULL,
                  injected(TIOMMU_IOTLB_FLUSH));
}

static int tiommu_map_page(struct domain *d, dfn_t dfn, mfn_t mfn,
                           unsigned int flags, unsigned int *flush_flags)
{
    struct tiommu_domain *td = domain_of(d);
    int rc = injected(TIOMMU_MAP_PAGE);

    (void)dfn;
    (void)mfn;
    if ( !td || !(flags & (IOMMUF_readable | IOMMUF_writable)) )
        protocol_error("map_page without domain state or permissions", NULL);
    if ( rc || !td )
        return record(TIOMMU_MAP_PAGE, NULL, d, NULL, rc ?: -EINVAL);
    td->nr_mapped++;
    *flush_flags |= IOMMU_FLUSHF_added;
    return record(TIOMMU_MAP_PAGE, NULL, d, NULL, 0);
}

static int tiommu_unmap_page(struct domain *d, dfn_t dfn, unsigned int order,
                             unsigned int *flush_flags)
{
    struct tiommu_domain *td = domain_of(d);
    int rc = injected(TIOMMU_UNMAP_PAGE);

    (void)dfn;
    if ( !td || order || !td->nr_mapped )
        protocol_error("unmap_page of nothing mapped", NULL);
    if ( rc || !td )
        return record(TIOMMU_UNMAP_PAGE, NULL, d, NULL, rc ?: -EINVAL);
    if ( td->nr_mapped )
        td->nr_mapped--;
    *flush_flags |= IOMMU_FLUSHF_modified;
    return record(TIOMMU_UNMAP_PAGE, NULL, d, NULL, 0);
}

static void tiommu_free_fwspec_priv(device_t *dev, void *priv)
{
    struct tiommu_master *m = priv;

    if ( m->added )
        protocol_error("private data freed while the device is added",
                       dev_to_dt(dev));
    record(TIOMMU_FREE_PRIV, dev_to_dt(dev), NULL, NULL, 0);
    xfree(m);
}

static void tiommu_shutdown(void)
{
    struct tiommu *mmu, *next;

    record(TIOMMU_SHUTDOWN, NULL, NULL, NULL, 0);
    if ( nr_devices )
        protocol_error("shutdown with devices still added", NULL);
    list_for_each_entry_safe(mmu, next, &instances, list)
    {
        list_del(&mmu->list);
        xfree(mmu);
    }
}

static const struct iommu_ops tiommu_ops = {
    .page_sizes = 1UL << 12,
    .init = tiommu_init,
    .hwdom_init = tiommu_hwdom_init,
    .teardown = tiommu_teardown,
    .dt_xlate = tiommu_dt_xlate,
    .add_device = tiommu_add_device,
    .remove_device = tiommu_remove_device,
    .assign_device = tiommu_assign_device,
    .reassign_device = tiommu_reassign_device,
    .iotlb_flush = tiommu_iotlb_flush,
    .map_page = tiommu_map_page,
    .unmap_page = tiommu_unmap_page,
    .free_fwspec_priv = tiommu_free_fwspec_priv,
    .shutdown = tiommu_shutdown,
};

/* ---- probe ---- */

static int probe_failure_for(const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < MAX_PROBE_FAILURES; i++ )
        if ( probe_failures[i].np == np )
            return probe_failures[i].rc;
    return 0;
}

static int tiommu_probe(struct dt_device_node *np, const void *data)
{
    bool is_root = dt_device_is_compatible(np, "test,iommu-root");
    struct tiommu *mmu;
    int rc;

    (void)data;
    if ( find_instance(np) )
        protocol_error("probe of an IOMMU already up", np);

    rc = probe_failure_for(np) ?: injected(TIOMMU_PROBE);
    if ( rc )
        return record(TIOMMU_PROBE, np, NULL, NULL, rc);

    if ( !is_root )
    {
        struct dt_device_node *root = dt_parse_phandle(np, "test,root", 0);

        if ( !root || !find_instance(root) )
            return record(TIOMMU_PROBE, np, NULL, NULL, -EAGAIN);
    }

    mmu = xzalloc(struct tiommu);
    if ( !mmu )
        return record(TIOMMU_PROBE, np, NULL, NULL, -ENOMEM);
    mmu->np = np;
    mmu->is_root = is_root;
    list_add_tail(&mmu->list, &instances);
    iommu_set_ops(&tiommu_ops);

    return record(TIOMMU_PROBE, np, NULL, NULL, 0);
}

static const struct dt_device_match tiommu_dt_match[] = {
    DT_MATCH_COMPATIBLE("test,iommu-root"),
    DT_MATCH_COMPATIBLE("test,iommu-cache"),
    { /* sentinel */ },
};

DT_DEVICE_START(tiommu, "test IOMMU", DEVICE_IOMMU)
    .dt_match = tiommu_dt_match,
    .init = tiommu_probe,
DT_DEVICE_END

/* ---- test interface ---- */

unsigned int tiommu_nr_calls(void)
{
    return nr_calls;
}

const struct tiommu_call *tiommu_call(unsigned int i)
{
    return i < nr_calls ? &calls[i] : NULL;
}

unsigned int tiommu_count(enum tiommu_op op)
{
    unsigned int i, n = 0;

    for ( i = 0; i < nr_calls; i++ )
        n += calls[i].op == op;
    return n;
}

unsigned int tiommu_count_rc(enum tiommu_op op, int rc)
{
    unsigned int i, n = 0;

    for ( i = 0; i < nr_calls; i++ )
        n += calls[i].op == op && calls[i].rc == rc;
    return n;
}

unsigned int tiommu_count_node(enum tiommu_op op,
                               const struct dt_device_node *np)
{
    unsigned int i, n = 0;

    for ( i = 0; i < nr_calls; i++ )
        n += calls[i].op == op && calls[i].np == np;
    return n;
}

void tiommu_reset_log(void)
{
    nr_calls = 0;
    protocol_errors = 0;
}

void tiommu_fail(enum tiommu_op op, unsigned int skip, int rc)
{
    failures[op].armed = true;
    failures[op].skip = skip;
    failures[op].rc = rc;
}

void tiommu_fail_probe(const struct dt_device_node *np, int rc)
{
    unsigned int i;

    for ( i = 0; i < MAX_PROBE_FAILURES; i++ )
        if ( probe_failures[i].np == np || !probe_failures[i].np )
        {
            probe_failures[i].np = rc ? np : NULL;
            probe_failures[i].rc = rc;
            return;
        }
}

void tiommu_clear_failures(void)
{
    memset(failures, 0, sizeof(failures));
    memset(probe_failures, 0, sizeof(probe_failures));
}

enum tiommu_dev_state tiommu_dev_state(const struct dt_device_node *np,
                                       domid_t *owner)
{
    const struct iommu_fwspec *fwspec = np->dev.iommu_fwspec;
    const struct tiommu_master *m = fwspec ? fwspec->iommu_priv : NULL;

    if ( owner )
        *owner = m && m->owner ? m->owner->domain_id : DOMID_INVALID;
    return m && m->added ? m->state : TIOMMU_DEV_UNKNOWN;
}

unsigned int tiommu_nr_instances(void)
{
    struct tiommu *mmu;
    unsigned int n = 0;

    list_for_each_entry(mmu, &instances, list)
        n++;
    return n;
}

bool tiommu_dom_io_ready(void)
{
    return dom_io_ready;
}

unsigned int tiommu_nr_domains(void)
{
    return nr_domains;
}

unsigned int tiommu_nr_devices(void)
{
    return nr_devices;
}

unsigned long tiommu_mapped_pages(struct domain *d)
{
    struct tiommu_domain *td = domain_of(d);

    return td ? td->nr_mapped : 0;
}

unsigned int tiommu_protocol_errors(void)
{
    return protocol_errors;
}
