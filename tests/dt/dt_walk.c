/* Walk a whole tree through the dt_* interface (see dt_walk.h). */
#include <string.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include "hosted/console.h"
#include "tests/dt/dt_walk.h"

static void violation(struct dt_walk_stats *st, const char *what)
{
    if ( !st->violations++ )
        st->first_violation = what;
}

/* After one call returning 'rc': at most one line, none on success. */
static void check_console(struct dt_walk_stats *st, int rc)
{
    unsigned int lines = console_capture_count("[ERR]");

    if ( rc < 0 )
        st->errors++;
    if ( lines > 1 )
        violation(st, "a call printed more than one error line");
    if ( rc >= 0 && lines )
        violation(st, "a successful call printed an error line");
    console_capture_clear();
}

static const struct {
    const char *list, *cells;
} phandle_lists[] = {
    { "iommus", "#iommu-cells" },
    { "clocks", "#clock-cells" },
    { "resets", "#reset-cells" },
    { "power-domains", "#power-domain-cells" },
    { "dmas", "#dma-cells" },
    { "phys", "#phy-cells" },
    { "interrupts-extended", "#interrupt-cells" },
    { "renesas,ipmmu-main", "#iommu-cells" },
    { "interrupt-parent", NULL },
};

static void walk_phandle_list(const struct dt_device_node *np,
                              const char *list, const char *cells,
                              struct dt_walk_stats *st)
{
    struct dt_phandle_args args;
    int n, i, rc;

    n = dt_count_phandle_with_args(np, list, cells);
    check_console(st, n);
    for ( i = 0; i <= (n < 0 ? 0 : n); i++ )
    {
        rc = dt_parse_phandle_with_args(np, list, cells, i, &args);
        check_console(st, rc);
        if ( rc == 0 )
        {
            if ( !args.np || args.args_count < 0 ||
                 args.args_count > MAX_PHANDLE_ARGS )
                violation(st, "parsed phandle args out of bounds");
            if ( n >= 0 && i >= n )
                violation(st, "parsed an entry past the counted ones");
            st->phandle_args += args.args_count;
        }
        else if ( n >= 0 && rc != -ENOENT )
            violation(st, "a counted list fails to parse");
        if ( n >= 0 && i == n && rc != -ENOENT )
            violation(st, "the entry past the count is not -ENOENT");
    }
    (void)dt_parse_phandle(np, list, 0);
    console_capture_clear();
}

static void walk_node(struct dt_device_node *root, struct dt_device_node *np,
                      struct dt_walk_stats *st)
{
    static const struct dt_device_match match[] = {
        DT_MATCH_COMPATIBLE("renesas,ipmmu-vmsa"),
        DT_MATCH_TYPE("memory"),
        { .compatible = "arm,gic-400", .not_available = true },
        { /* sentinel */ },
    };
    const struct dt_property *pp;
    const char *s;
    uint32_t u32, len;
    uint64_t u64, addr, size;
    unsigned int i, n;
    int rc;

    st->nodes++;
    if ( dt_find_node_by_path_from(root, np->full_name) == NULL )
        violation(st, "a node's own full name does not find a node");
    if ( np->phandle &&
         dt_find_node_by_phandle_from(root, np->phandle) != np )
        violation(st, "a node's phandle does not find the node");
    if ( np->dev.of_node != np || dt_to_dev(np)->type != DEV_DT )
        violation(st, "struct device does not point back");
    if ( np->parent && np->parent->child == NULL )
        violation(st, "a parent without children");

    dt_for_each_property_node(np, pp)
    {
        st->props++;
        /* With duplicate names, lookups see the first of them. */
        if ( !pp->value || dt_find_property(np, pp->name, &len) == NULL )
            violation(st, "a listed property is not found");
        (void)dt_property_read_u32(np, pp->name, &u32);
        (void)dt_property_read_u64(np, pp->name, &u64);
        rc = dt_property_read_string(np, pp->name, &s);
        check_console(st, rc);
        if ( rc == 0 && strlen(s) >= len )
            violation(st, "a string longer than its property");
        walk_phandle_list(np, pp->name, "#iommu-cells", st);
    }
    (void)dt_device_is_available(np);
    (void)dt_device_is_compatible(np, "renesas,ipmmu-vmsa");
    (void)dt_match_node(match, np);
    check_console(st, dt_n_addr_cells(np));
    check_console(st, dt_n_size_cells(np));

    n = dt_number_of_address(np);
    check_console(st, 0);
    for ( i = 0; i <= n; i++ )
    {
        rc = dt_device_get_address(np, i, &addr, &size);
        check_console(st, rc);
        if ( rc == 0 )
            st->addresses++;
        if ( i == n && rc == 0 )
            violation(st, "an address past dt_number_of_address()");
    }

    n = dt_number_of_irq(np);
    console_capture_clear();
    for ( i = 0; i <= n && i < 1024; i++ )
    {
        rc = platform_get_irq(np, i);
        check_console(st, rc);
        if ( rc >= 0 )
            st->irqs++;
        if ( rc >= 0 && (rc < 16 || rc > 1019) )
            violation(st, "an IRQ number outside the GIC's PPI/SPI range");
    }

    for ( i = 0; i < sizeof(phandle_lists) / sizeof(phandle_lists[0]); i++ )
        walk_phandle_list(np, phandle_lists[i].list, phandle_lists[i].cells,
                          st);
}

void dt_walk_tree(struct dt_device_node *root, struct dt_walk_stats *st)
{
    struct dt_device_node *np;
    unsigned long nodes;

    memset(st, 0, sizeof(*st));
    console_capture_clear();
    dt_for_each_device_node(root, np)
        walk_node(root, np, st);
    nodes = dt_tree_node_count(root);
    if ( nodes != st->nodes )
        violation(st, "dt_tree_node_count() disagrees with the walk");
}
