/*
 * The "xen_dev_info" section, built without the rest of the hypervisor:
 * three drivers in two translation units (DT_DEVICE_START), walked by
 * device_init()/device_get_class().  Built and run in each flavour (an
 * optimised build without sanitizers, and the ASan/UBSan one), because
 * padding that a compiler or sanitizer put between entries would make the
 * walk read garbage.  Exit status 0 when every check holds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <asm/device.h>

/* The few device tree calls device.c makes, on hand-made nodes. */
const struct dt_device_match *dt_match_node(const struct dt_device_match *m,
                                            const struct dt_device_node *np)
{
    for ( ; m && m->compatible; m++ )
        if ( !strcmp(m->compatible, np->type) )
            return m;
    return NULL;
}

bool dt_device_is_available(const struct dt_device_node *np)
{
    return np->phandle != 0;
}

const struct dt_property *dt_find_property(const struct dt_device_node *np,
                                           const char *name, uint32_t *lenp)
{
    (void)np;
    (void)name;
    (void)lenp;
    return NULL;
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int section_check_probe(struct dt_device_node *np, const void *data);

int section_check_probe(struct dt_device_node *np, const void *data)
{
    (void)data;
    return 100 + (int)np->used_by;
}

static const struct dt_device_match serial_match[] = {
    DT_MATCH_COMPATIBLE("check,serial"),
    { },
};

DT_DEVICE_START(check_serial, "check serial", DEVICE_SERIAL)
    .dt_match = serial_match,
    .init = section_check_probe,
DT_DEVICE_END

static int failures;

static void expect(bool ok, const char *what)
{
    if ( !ok )
    {
        fprintf(stderr, "section check failed: %s\n", what);
        failures++;
    }
}

static struct dt_device_node make_node(const char *compat, unsigned int tag)
{
    struct dt_device_node np;

    memset(&np, 0, sizeof(np));
    np.type = compat;                /* stands for the compatible here */
    np.phandle = 1;                  /* available */
    np.used_by = tag;
    return np;
}

int main(void)
{
    const struct device_desc *d;
    struct dt_device_node iommu_a = make_node("check,iommu-a", 1);
    struct dt_device_node iommu_b = make_node("check,iommu-b", 2);
    struct dt_device_node serial = make_node("check,serial", 3);
    struct dt_device_node other = make_node("check,other", 4);
    unsigned int n = 0;

    expect(__start_xen_dev_info && __stop_xen_dev_info, "bounds present");
    expect(((const char *)__stop_xen_dev_info -
            (const char *)__start_xen_dev_info) ==
           3 * (long)sizeof(struct device_desc), "three whole entries");
    for ( d = __start_xen_dev_info; d != __stop_xen_dev_info; d++, n++ )
        expect(d->name && d->dt_match && d->init, "entry is a descriptor");
    expect(n == 3, "three entries walked");

    expect(device_get_class(&iommu_a) == DEVICE_IOMMU, "class of iommu a");
    expect(device_get_class(&iommu_b) == DEVICE_IOMMU, "class of iommu b");
    expect(device_get_class(&serial) == DEVICE_SERIAL, "class of serial");
    expect(device_get_class(&other) == DEVICE_UNKNOWN, "class of other");
    expect(device_init(&iommu_b, DEVICE_IOMMU, NULL) == 102, "init iommu b");
    expect(device_init(&serial, DEVICE_SERIAL, NULL) == 103, "init serial");
    expect(device_init(&serial, DEVICE_IOMMU, NULL) == -EBADF,
           "serial is no IOMMU");
    other.phandle = 0;
    expect(device_init(&other, DEVICE_IOMMU, NULL) == -ENODEV,
           "unavailable node");

    printf("section check: %u entries, %s\n", n, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
