/*
 * Our device-tree code against real trees, with libfdt (and, when the
 * runner provides it, fdtdump) as the independent oracle:
 *
 *   - the blob unflattens;
 *   - the node count matches libfdt's walk (and fdtdump's count), and
 *     every node's full name matches fdt_get_path() in blob order, with
 *     the same properties (names, lengths, bytes) in the same order;
 *   - every 'iommus' entry parses to the (IOMMU node, id) pair that the
 *     raw property and the target's raw #iommu-cells give;
 *   - every IPMMU's address and size match the raw 'reg' translated
 *     through the parents' 'ranges' by the small translator below.
 *
 *   test_real_dtbs                 the built-in boards
 *   test_real_dtbs DIR             every .dtb file in DIR; node-counts.txt
 *                                  there ("NAME.dtb COUNT" lines), if any,
 *                                  adds fdtdump's counts to the check
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <xen/device_tree.h>
#include "boards/boards.h"
#include "hosted/console.h"

struct blob_case {
    char name[256];
    const void *blob;
    size_t size;
    void *owned;
    long expected_nodes;         /* from fdtdump, -1 when not given */
};

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *buf = NULL;
    long len;

    if ( f == NULL )
        return NULL;
    if ( fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
         fseek(f, 0, SEEK_SET) == 0 )
    {
        buf = malloc(len);
        if ( buf != NULL && fread(buf, 1, len, f) != (size_t)len )
        {
            free(buf);
            buf = NULL;
        }
        *size = len;
    }
    fclose(f);
    return buf;
}

/* --- the oracle: raw libfdt reads and our own range translation --- */

static uint64_t read_cells(const fdt32_t *p, int n)
{
    uint64_t v = 0;
    int i;

    for ( i = 0; i < n; i++ )
        v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    return p && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

/*
 * Translates 'addr' from the address space of 'bus' children up to the
 * root.  Returns 0, or -1 when a bus has no 'ranges' or no range covers
 * the address.
 */
static int oracle_translate(const void *fdt, int bus, uint64_t *addr)
{
    while ( bus > 0 )
    {
        int parent = fdt_parent_offset(fdt, bus);
        int ca = cells_of(fdt, bus, "#address-cells", 2);
        int cs = cells_of(fdt, bus, "#size-cells", 1);
        int pa = cells_of(fdt, parent, "#address-cells", 2);
        const fdt32_t *r;
        int len, i, entry;

        r = fdt_getprop(fdt, bus, "ranges", &len);
        if ( r == NULL )
            return -1;
        entry = ca + pa + cs;
        for ( i = 0; len > 0 && i + entry <= len / 4; i += entry )
        {
            uint64_t child = read_cells(r + i, ca);
            uint64_t up = read_cells(r + i + ca, pa);
            uint64_t size = read_cells(r + i + ca + pa, cs);

            if ( *addr >= child && *addr - child < size )
            {
                *addr = *addr - child + up;
                break;
            }
        }
        if ( len > 0 && i + entry > len / 4 )
            return -1;
        bus = parent;
    }
    return 0;
}

static bool is_ipmmu(const void *fdt, int node)
{
    int len, pos = 0;
    const char *c = fdt_getprop(fdt, node, "compatible", &len);

    while ( c != NULL && pos < len )
    {
        if ( strncmp(c + pos, "renesas,ipmmu-", 14) == 0 ||
             strcmp(c + pos, "renesas,rcar-gen4-ipmmu-vmsa") == 0 )
            return true;
        pos += strnlen(c + pos, len - pos) + 1;
    }
    return false;
}

/* --- the checks --- */

static void check_iommus(const void *fdt, int off,
                         const struct dt_device_node *np,
                         unsigned int *nr_refs)
{
    const fdt32_t *raw;
    int len, pos = 0, index = 0;

    raw = fdt_getprop(fdt, off, "iommus", &len);
    if ( raw == NULL )
    {
        assert_null(dt_find_property(np, "iommus", NULL));
        return;
    }
    while ( pos < len / 4 )
    {
        struct dt_phandle_args args;
        char want[512], got[512];
        int target, cells, k;

        target = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(raw[pos]));
        assert_true(target >= 0);
        cells = cells_of(fdt, target, "#iommu-cells", -1);
        assert_true(cells >= 0 && pos + 1 + cells <= len / 4);
        assert_int_equal(dt_parse_phandle_with_args(np, "iommus",
                                                    "#iommu-cells", index,
                                                    &args), 0);
        assert_int_equal(fdt_get_path(fdt, target, want, sizeof(want)), 0);
        snprintf(got, sizeof(got), "%s", dt_node_full_name(args.np));
        assert_string_equal(got, want);
        assert_int_equal(args.np->phandle, fdt32_to_cpu(raw[pos]));
        assert_int_equal(args.args_count, cells);
        for ( k = 0; k < cells; k++ )
            assert_int_equal(args.args[k], fdt32_to_cpu(raw[pos + 1 + k]));
        pos += 1 + cells;
        index++;
    }
    assert_int_equal(dt_count_phandle_with_args(np, "iommus",
                                                "#iommu-cells"), index);
    *nr_refs += index;
}

static void check_ipmmu_address(const void *fdt, int off,
                                const struct dt_device_node *np)
{
    int parent = fdt_parent_offset(fdt, off);
    int ac = cells_of(fdt, parent, "#address-cells", 2);
    int sc = cells_of(fdt, parent, "#size-cells", 1);
    const fdt32_t *reg;
    uint64_t want_addr, want_size, addr, size;
    int len;

    reg = fdt_getprop(fdt, off, "reg", &len);
    assert_non_null(reg);
    assert_true(len >= (ac + sc) * 4);
    want_addr = read_cells(reg, ac);
    want_size = read_cells(reg + ac, sc);
    assert_int_equal(oracle_translate(fdt, parent, &want_addr), 0);

    assert_int_equal(dt_device_get_address(np, 0, &addr, &size), 0);
    assert_int_equal(addr, want_addr);
    assert_int_equal(size, want_size);
}

/* The node's properties, in blob order, byte for byte. */
static void check_properties(const void *fdt, int off,
                             const struct dt_device_node *np,
                             unsigned int *nr_props)
{
    const struct dt_property *pp = np->properties;
    int prop;

    fdt_for_each_property_offset(prop, fdt, off)
    {
        const char *name;
        const void *value;
        int len;

        value = fdt_getprop_by_offset(fdt, prop, &name, &len);
        assert_non_null(value);
        assert_non_null(pp);
        assert_string_equal(pp->name, name);
        assert_int_equal(pp->length, len);
        if ( len > 0 )
            assert_memory_equal(pp->value, value, len);
        pp = pp->next;
        (*nr_props)++;
    }
    assert_null(pp);
}

static void blob_matches_libfdt(void **state)
{
    struct blob_case *c = *state;
    const void *fdt = c->blob;
    struct dt_device_node *np;
    unsigned int nodes = 0, refs = 0, ipmmus = 0, masters = 0, props = 0;
    int off, depth = 0;
    char path[1024];

    assert_int_equal(fdt_check_header(fdt), 0);
    console_set_echo(false);
    assert_int_equal(dt_host_init(fdt, c->size), 0);

    /* Walk both trees in blob order, side by side. */
    np = dt_host;
    for ( off = 0; off >= 0 && depth >= 0;
          off = fdt_next_node(fdt, off, &depth) )
    {
        assert_non_null(np);
        assert_int_equal(fdt_get_path(fdt, off, path, sizeof(path)), 0);
        assert_string_equal(dt_node_full_name(np), path);
        check_properties(fdt, off, np, &props);

        if ( fdt_getprop(fdt, off, "iommus", NULL) != NULL )
            masters++;
        check_iommus(fdt, off, np, &refs);
        if ( is_ipmmu(fdt, off) )
        {
            check_ipmmu_address(fdt, off, np);
            ipmmus++;
        }
        nodes++;
        np = np->allnext;
    }
    assert_true(off == -FDT_ERR_NOTFOUND || depth < 0);
    assert_null(np);
    if ( c->expected_nodes >= 0 )
        assert_int_equal(nodes, c->expected_nodes);

    print_message("%s: %u nodes, %u properties, %u IPMMUs, %u masters, "
                  "%u iommus entries\n", c->name, nodes, props, ipmmus,
                  masters, refs);
    dt_host_free();
}

/* --- cases --- */

static long fdtdump_count(const char *dir, const char *name)
{
    char path[4096], line[512], file[256];
    long count, found = -1;
    FILE *f;

    snprintf(path, sizeof(path), "%s/node-counts.txt", dir);
    f = fopen(path, "r");
    if ( f == NULL )
        return -1;
    while ( fgets(line, sizeof(line), f) != NULL )
        if ( sscanf(line, "%255s %ld", file, &count) == 2 &&
             strcmp(file, name) == 0 )
            found = count;
    fclose(f);
    return found;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct blob_case *)a)->name,
                  ((const struct blob_case *)b)->name);
}

static unsigned int cases_from_dir(const char *dir, struct blob_case **out)
{
    struct blob_case *cases = NULL;
    unsigned int n = 0;
    struct dirent *de;
    DIR *d = opendir(dir);

    if ( d == NULL )
    {
        fprintf(stderr, "test_real_dtbs: cannot open %s\n", dir);
        exit(1);
    }
    while ( (de = readdir(d)) != NULL )
    {
        size_t len = strlen(de->d_name);
        char path[4096];
        struct blob_case *c;

        if ( len < 5 || strcmp(de->d_name + len - 4, ".dtb") != 0 ||
             len >= sizeof(c->name) )
            continue;
        cases = realloc(cases, (n + 1) * sizeof(*cases));
        if ( cases == NULL )
            exit(1);
        c = &cases[n++];
        memset(c, 0, sizeof(*c));
        snprintf(c->name, sizeof(c->name), "%s", de->d_name);
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        c->owned = read_file(path, &c->size);
        if ( c->owned == NULL )
        {
            fprintf(stderr, "test_real_dtbs: cannot read %s\n", path);
            exit(1);
        }
        c->blob = c->owned;
        c->expected_nodes = fdtdump_count(dir, de->d_name);
    }
    closedir(d);
    qsort(cases, n, sizeof(*cases), by_name);
    *out = cases;
    return n;
}

static unsigned int cases_from_boards(struct blob_case **out)
{
    const struct board *b;
    struct blob_case *cases;
    unsigned int n, i;

    b = board_list(&n);
    cases = calloc(n, sizeof(*cases));
    if ( cases == NULL )
        exit(1);
    for ( i = 0; i < n; i++ )
    {
        snprintf(cases[i].name, sizeof(cases[i].name), "board %s",
                 b[i].name);
        cases[i].blob = b[i].dtb;
        cases[i].size = b[i].dtb_size;
        cases[i].expected_nodes = -1;
    }
    *out = cases;
    return n;
}

int main(int argc, char **argv)
{
    struct blob_case *cases;
    struct CMUnitTest *tests;
    unsigned int n, i;
    int rc;

    n = argc > 1 ? cases_from_dir(argv[1], &cases)
                 : cases_from_boards(&cases);
    if ( n == 0 )
    {
        fprintf(stderr, "test_real_dtbs: no .dtb files in %s\n", argv[1]);
        return 1;
    }
    tests = calloc(n, sizeof(*tests));
    if ( tests == NULL )
        return 1;
    for ( i = 0; i < n; i++ )
    {
        tests[i].name = cases[i].name;
        tests[i].test_func = blob_matches_libfdt;
        tests[i].initial_state = &cases[i];
    }
    rc = _cmocka_run_group_tests(argc > 1 ? "real_dtbs" : "board_dtbs",
                                 tests, n, NULL, NULL);
    for ( i = 0; i < n; i++ )
        free(cases[i].owned);
    free(cases);
    free(tests);
    return rc;
}
