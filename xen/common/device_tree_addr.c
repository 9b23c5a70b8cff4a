/*
 * Addresses: the cells that size a node's 'reg' come from its parent (or
 * the nearest ancestor that says, as Xen and Linux do; 2 and 1 when none
 * does), and a 'reg' address is translated to a CPU physical address
 * through the 'ranges' of every bus above it.  An empty 'ranges' is the
 * identity; a bus without 'ranges' does not map its children, so their
 * addresses cannot be translated.
 *
 * Addresses and sizes are read as 128-bit numbers (up to four cells), so
 * a ranges entry matches when the whole child address falls inside it
 * (the "default bus" rule; PCI's flag cells get no special treatment).
 * The final CPU address must fit in 64 bits.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "device_tree_internal.h"

typedef unsigned __int128 dt_addr_t;

/*
 * The value of 'name' on 'bus' or its nearest ancestor that has it:
 * what the children of 'bus' use.  -EINVAL when that property is not a
 * single cell or does not fit an int.
 */
static int dt_bus_cells(const struct dt_device_node *bus, const char *name,
                        int dflt)
{
    const struct dt_property *pp;
    unsigned int hops = 0;
    uint32_t val;

    for ( ; bus && hops <= DT_MAX_DEPTH; bus = bus->parent, hops++ )
    {
        pp = dt_find_property(bus, name, NULL);
        if ( !pp )
            continue;
        if ( pp->length != sizeof(uint32_t) )
            return -EINVAL;
        val = dt_read_be32(pp->value);
        return val > 0x7fffffffU ? -EINVAL : (int)val;
    }
    return dflt;
}

int dt_n_addr_cells(const struct dt_device_node *np)
{
    return dt_bus_cells(np ? np->parent : NULL, "#address-cells",
                        DT_ROOT_NODE_ADDR_CELLS_DEFAULT);
}

int dt_n_size_cells(const struct dt_device_node *np)
{
    return dt_bus_cells(np ? np->parent : NULL, "#size-cells",
                        DT_ROOT_NODE_SIZE_CELLS_DEFAULT);
}

static dt_addr_t dt_read_cells(const uint8_t *cells, unsigned int n)
{
    dt_addr_t v = 0;

    while ( n-- )
    {
        v = (v << 32) | dt_read_be32(cells);
        cells += sizeof(uint32_t);
    }
    return v;
}

/* Does 'v' fit in 'n' cells?  (Shifts by constants only: no libgcc.) */
static bool dt_fits_cells(dt_addr_t v, unsigned int n)
{
    for ( ; n; n-- )
        v >>= 32;
    return v == 0;
}

static uint64_t dt_low64(dt_addr_t v)
{
    return (uint64_t)v;
}

/*
 * The cells counts a bus gives its children, checked: 1..4 address
 * cells, 0..4 size cells.  Reported against 'np', the node being read.
 */
static int dt_child_cells(const struct dt_device_node *np,
                          const struct dt_device_node *bus,
                          int *na, int *ns)
{
    *na = dt_bus_cells(bus, "#address-cells",
                       DT_ROOT_NODE_ADDR_CELLS_DEFAULT);
    *ns = dt_bus_cells(bus, "#size-cells", DT_ROOT_NODE_SIZE_CELLS_DEFAULT);
    if ( *na < 0 || *ns < 0 )
    {
        dt_err(np->full_name, "%s for the children of %s is not one cell",
               *na < 0 ? "#address-cells" : "#size-cells",
               dt_node_full_name(bus));
        return -EINVAL;
    }
    if ( *na < 1 || *na > DT_MAX_ADDR_CELLS )
    {
        dt_err(np->full_name, "#address-cells for the children of %s is %d "
               "(supported: 1 to %d)", dt_node_full_name(bus), *na,
               DT_MAX_ADDR_CELLS);
        return -EINVAL;
    }
    if ( *ns > DT_MAX_SIZE_CELLS )
    {
        dt_err(np->full_name, "#size-cells for the children of %s is %d "
               "(supported: 0 to %d)", dt_node_full_name(bus), *ns,
               DT_MAX_SIZE_CELLS);
        return -EINVAL;
    }
    return 0;
}

/* Map 'addr', a child address of 'bus', to an address on bus's parent. */
static int dt_translate_one(const struct dt_device_node *np,
                            const struct dt_device_node *bus,
                            dt_addr_t *addr, int *pna)
{
    const struct dt_property *ranges = dt_find_property(bus, "ranges", NULL);
    const uint8_t *entry;
    dt_addr_t child, parent, size;
    uint32_t entry_len, i;
    int cna, cns, rc;

    rc = dt_child_cells(np, bus->parent, pna, &cns);
    if ( rc )
        return rc;
    if ( !ranges )
    {
        dt_err(np->full_name, "%s has no ranges: addresses on it are not "
               "CPU addresses", bus->full_name);
        return -EINVAL;
    }
    if ( ranges->length == 0 )
    {
        if ( dt_fits_cells(*addr, *pna) )
            return 0;
        dt_err(np->full_name, "address 0x%" PRIx64 "... does not fit the %d "
               "address cells above the empty ranges of %s",
               dt_low64(*addr), *pna, bus->full_name);
        return -EOVERFLOW;
    }
    rc = dt_child_cells(np, bus, &cna, &cns);
    if ( rc )
        return rc;
    entry_len = (cna + *pna + cns) * sizeof(uint32_t);
    if ( ranges->length % entry_len )
    {
        dt_err(np->full_name, "ranges of %s is %u bytes, not a whole number "
               "of %u-byte entries", bus->full_name, ranges->length,
               entry_len);
        return -EINVAL;
    }
    for ( i = 0; i < ranges->length; i += entry_len )
    {
        entry = (const uint8_t *)ranges->value + i;
        child = dt_read_cells(entry, cna);
        parent = dt_read_cells(entry + cna * 4, *pna);
        size = dt_read_cells(entry + (cna + *pna) * 4, cns);
        if ( *addr < child || *addr - child >= size )
            continue;
        if ( parent + (*addr - child) < parent ||
             !dt_fits_cells(parent + (*addr - child), *pna) )
        {
            dt_err(np->full_name, "address 0x%" PRIx64 " overflows the "
                   "parent side of the ranges of %s", dt_low64(*addr),
                   bus->full_name);
            return -EOVERFLOW;
        }
        *addr = parent + (*addr - child);
        return 0;
    }
    dt_err(np->full_name, "address 0x%" PRIx64 " is outside every ranges "
           "entry of %s", dt_low64(*addr), bus->full_name);
    return -EINVAL;
}

/* Translate a child address of np's parent up to the root. */
static int dt_translate(const struct dt_device_node *np, dt_addr_t *addr)
{
    const struct dt_device_node *bus;
    unsigned int hops = 0;
    int pna, rc;

    for ( bus = np->parent; bus && bus->parent; bus = bus->parent )
    {
        if ( ++hops > DT_MAX_DEPTH )
        {
            dt_err(np->full_name, "more than %d buses to translate through",
                   DT_MAX_DEPTH);
            return -EINVAL;
        }
        rc = dt_translate_one(np, bus, addr, &pna);
        if ( rc )
            return rc;
    }
    if ( !dt_fits_cells(*addr, 2) )
    {
        dt_err(np->full_name, "CPU address beyond 64 bits (low part 0x%"
               PRIx64 ")", dt_low64(*addr));
        return -EOVERFLOW;
    }
    return 0;
}

/*
 * np's 'reg' with its entry size, checked; -ENOENT (quietly) when there
 * is no 'reg'.
 */
static int dt_get_reg(const struct dt_device_node *np,
                      const struct dt_property **reg, int *na, int *ns,
                      bool report)
{
    int rc;

    if ( !np )
        return -EINVAL;
    *reg = dt_find_property(np, "reg", NULL);
    if ( !*reg )
        return -ENOENT;
    if ( report )
        rc = dt_child_cells(np, np->parent, na, ns);
    else
    {
        *na = dt_n_addr_cells(np);
        *ns = dt_n_size_cells(np);
        rc = *na < 1 || *na > DT_MAX_ADDR_CELLS || *ns < 0 ||
             *ns > DT_MAX_SIZE_CELLS ? -EINVAL : 0;
    }
    if ( rc )
        return rc;
    if ( (*reg)->length % ((*na + *ns) * sizeof(uint32_t)) )
    {
        if ( report )
            dt_err(np->full_name, "reg is %u bytes, not a whole number of "
                   "%d-cell entries", (*reg)->length, *na + *ns);
        return -EINVAL;
    }
    return 0;
}

unsigned int dt_number_of_address(const struct dt_device_node *np)
{
    const struct dt_property *reg;
    int na, ns;

    if ( dt_get_reg(np, &reg, &na, &ns, false) )
        return 0;
    return reg->length / ((na + ns) * sizeof(uint32_t));
}

int dt_device_get_address(const struct dt_device_node *np,
                          unsigned int index, uint64_t *addr,
                          uint64_t *size)
{
    const struct dt_property *reg;
    const uint8_t *entry;
    dt_addr_t a, s;
    int na, ns, rc;

    rc = dt_get_reg(np, &reg, &na, &ns, true);
    if ( rc )
        return rc;
    if ( index >= reg->length / ((na + ns) * sizeof(uint32_t)) )
        return -ENOENT;
    entry = (const uint8_t *)reg->value + index * (na + ns) * 4;
    a = dt_read_cells(entry, na);
    s = dt_read_cells(entry + na * 4, ns);
    if ( !dt_fits_cells(s, 2) )
    {
        dt_err(np->full_name, "reg entry %u has a size beyond 64 bits",
               index);
        return -EOVERFLOW;
    }
    rc = dt_translate(np, &a);
    if ( rc )
        return rc;
    if ( addr )
        *addr = dt_low64(a);
    if ( size )
        *size = dt_low64(s);
    return 0;
}

int dt_device_get_paddr(const struct dt_device_node *np, unsigned int index,
                        paddr_t *addr, paddr_t *size)
{
    return dt_device_get_address(np, index, addr, size);
}
