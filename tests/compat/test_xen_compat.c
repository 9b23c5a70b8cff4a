/*
 * Upstream contract fidelity: code written for a Xen tree builds here with
 * Xen's header names (the files next to this one), printk formats as
 * Xen's, the command line is Xen's, and an IOMMU driver written to
 * upstream's iommu_ops (xen_style_iommu.c: reassign to NULL, no
 * free_fwspec_priv, no shutdown) goes through a whole life cycle on the
 * core: probe, dom_io, assign, deassign, destruction, teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>

#include "hosted/console.h"
#include "hosted/fatal.h"
#include "hosted/mmio.h"
#include "xen_style_iommu.h"

extern const unsigned char xen_compat_dtb[];
extern const unsigned long xen_compat_dtb_size;

#define MMC  "/soc/mmc@ee100000"
#define SATA "/soc/sata@ee300000"
#define ETH  "/soc/ethernet@e6800000"

/* Parameters of this test program, registered as a Xen file would. */
static bool opt_compat_flag;
static unsigned int opt_compat_num = 7;
static char opt_compat_str[8] = "";
boolean_param("compat-flag", opt_compat_flag);
integer_param("compat-num", opt_compat_num);
string_param("compat-str", opt_compat_str);

static int setup(void **state)
{
    (void)state;
    console_set_echo(false);
    console_capture_start();
    console_capture_clear();
    cmdline_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cmdline_reset();
    console_capture_stop();
    return 0;
}

static struct dt_device_node *node(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_non_null(np);
    return np;
}

static void make_domain(struct domain *d, domid_t id, unsigned int cdf)
{
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->cdf = cdf;
    snprintf(d->name, sizeof(d->name), "d%u", id);
    assert_int_equal(iommu_domain_init(d, 0), 0);
}

static const char *fmt(const char *f, ...)
    __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
    static char buf[256];
    va_list args;

    va_start(args, f);
    xen_vsnprintf(buf, sizeof(buf), f, args);
    va_end(args);
    return buf;
}

/* ---- printk ---- */

static void printk_prints_domains_and_vcpus_as_xen(void **state)
{
    struct domain d1 = { .domain_id = 1 }, io = { .domain_id = DOMID_IO };
    struct domain xen = { .domain_id = DOMID_XEN };
    struct domain idle = { .domain_id = DOMID_IDLE };
    struct vcpu v = { .vcpu_id = 2, .domain = &d1 };

    (void)state;
    assert_string_equal(fmt("%pd", &d1), "d1");
    assert_string_equal(fmt("[%pd]", &io), "[d[IO]]");
    assert_string_equal(fmt("%pd %pd", &xen, &idle), "d[XEN] d[IDLE]");
    assert_string_equal(fmt("%pd", (struct domain *)NULL), "NULL");
    assert_string_equal(fmt("%pv:", &v), "d1v2:");

    /* What a driver prints reaches the console formatted the same way. */
    printk(XENLOG_ERR "ipmmu: %pd: Unhandled fault at %pv\n", &d1, &v);
    assert_true(console_capture_contains("[ERR] ipmmu: d1: Unhandled fault "
                                         "at d1v2\n"));
}

static void printk_prints_bitmaps_and_buffers_as_xen(void **state)
{
    unsigned long map[2] = { 0 };
    const uint8_t bytes[3] = { 0xde, 0xad, 0x01 };
    char plain[64];
    int x = 0;

    (void)state;
    map[0] = 0xb0fUL;                       /* bits 0-3, 8, 9, 11 */
    assert_string_equal(fmt("%*pbl", 12, map), "0-3,8-9,11");
    assert_string_equal(fmt("%*pb", 12, map), "b0f");
    map[0] = 1UL;
    map[0] |= 1UL << 35;
    assert_string_equal(fmt("%*pb", 40, map), "08,00000001");
    assert_string_equal(fmt("%*pbl", 40, map), "0,35");
    assert_string_equal(fmt("%*ph", 3, bytes), "de ad 01");
    assert_string_equal(fmt("%*phC", 3, bytes), "de:ad:01");
    assert_string_equal(fmt("%*phN", 3, bytes), "dead01");

    /* Xen has no %pa: the pointer, then the letter. */
    snprintf(plain, sizeof(plain), "%016lxa", (unsigned long)&x);
    assert_string_equal(fmt("%pa", (void *)&x), plain);
}

/* The C conversions give what the C library gives. */
static void printk_c_conversions_match_the_c_library(void **state)
{
    char want[256];
    long long big = -1234567890123LL;

    (void)state;
#define SAME(...)                                                         \
    do {                                                                  \
        snprintf(want, sizeof(want), __VA_ARGS__);                        \
        assert_string_equal(fmt(__VA_ARGS__), want);                      \
    } while ( 0 )
    SAME("%d|%5d|%-5d|%05d|%+d|% d|%i", -42, 42, 42, 42, 42, 42, -7);
    SAME("%u|%x|%X|%#x|%#o|%o|%08x|%#010x", 3000000000U, 0xbeefU, 0xbeefU,
         0x1fU, 8U, 0U, 0xabcU, 0xabcU);
    SAME("%lu|%ld|%#lx|%llx|%lld|%zu|%hhu|%hd", 123456789012UL, -5L,
         0xffff0000UL, 0x123456789abcULL, big, (size_t)77, 300, -2);
    SAME("%s|%10s|%-10s|%.3s|%.*s|%c|%%|%3c", "abc", "right", "left",
         "truncated", 2, "xyz", 'q', 'r');
    SAME("%.0d|%.5u|%5.3x|%-8.3d|", 0, 42U, 0xaU, -7);
#undef SAME
    /* Counting past the end of the buffer, as vsnprintf does. */
    assert_int_equal(xen_snprintf(want, 4, "%s", "abcdef"), 6);
    assert_string_equal(want, "abc");
}

/* With a precision, %s reads at most that many bytes: the array need not
 * be terminated.  Here it ends where an unmapped page begins. */
static void printk_precision_bounds_the_string_read(void **state)
{
    long page = sysconf(_SC_PAGESIZE);
    char *map, *name;

    (void)state;
    map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);
    name = map + page - 4;
    memcpy(name, "ipmm", 4);
    assert_string_equal(fmt("[%.4s]", name), "[ipmm]");
    assert_string_equal(fmt("[%.*s]", 4, name), "[ipmm]");
    assert_string_equal(fmt("[%-6.4s]", name), "[ipmm  ]");
    munmap(map, 2 * page);
}

/* ---- Xen's header names ---- */

static void headers_bring_what_xens_bring(void **state)
{
    unsigned long page_size;
    unsigned int longs, maps;
    void *va;

    (void)state;
    assert_int_equal(ESRCH, 3);
    assert_int_equal(compat_err_h_esrch(), 3);
    assert_int_equal(compat_err_h_ptr_err(), -ESRCH);
    assert_string_equal(errno_name(-ESRCH), "ESRCH");
    assert_string_equal(errno_name(-ETOOMANYREFS), "ETOOMANYREFS");
    assert_int_equal(compat_iommu_h_values(&page_size, &longs), ESRCH);
    assert_int_equal(page_size, 4096);
    assert_int_equal(longs, 2);
    assert_true(compat_lib_h_heap());
    assert_int_equal(compat_types_h_bitmap(), 3);
    assert_int_equal(compat_atomic_h(), 7);

    maps = hosted_mmio_live_mappings();
    va = compat_asm_mm_h_map(0xe6000000);
    assert_non_null(va);
    assert_int_equal(hosted_mmio_live_mappings(), maps + 1);
    compat_asm_mm_h_unmap(va);
    assert_int_equal(hosted_mmio_live_mappings(), maps);
}

/* ---- The command line ---- */

static void cmdline_parses_the_iommu_option_as_xen(void **state)
{
    (void)state;
    assert_true(iommu_enable);
    assert_false(force_iommu);
    assert_false(iommu_verbose);
    assert_int_equal(iommu_quarantine, IOMMU_quarantine_basic);

    cmdline_parse("iommu=no-quarantine,verbose");
    assert_int_equal(iommu_quarantine, IOMMU_quarantine_none);
    assert_true(iommu_verbose);
    assert_true(iommu_enable);
    assert_false(console_capture_contains("invalid value"));

    cmdline_reset();
    assert_int_equal(iommu_quarantine, IOMMU_quarantine_basic);
    assert_false(iommu_verbose);

    cmdline_parse("iommu=quarantine=0 iommu=required");
    assert_int_equal(iommu_quarantine, IOMMU_quarantine_none);
    assert_true(force_iommu);
    cmdline_parse("iommu=no-force,quarantine");
    assert_false(force_iommu);
    assert_int_equal(iommu_quarantine, IOMMU_quarantine_basic);

    cmdline_parse("iommu=off");
    assert_false(iommu_enable);
    cmdline_parse("iommu=1");
    assert_true(iommu_enable);
    cmdline_parse("no-iommu");
    assert_false(iommu_enable);
    cmdline_parse("iommu=yes");
    assert_true(iommu_enable);

    /* Unknown sub-options: reported, the others still apply. */
    console_capture_clear();
    cmdline_parse("iommu=frob,verbose,sharept,force");
    assert_true(iommu_verbose);
    assert_true(force_iommu);
    assert_true(console_capture_contains("parameter \"iommu\" has invalid "
                                         "value \"frob,verbose,sharept,"
                                         "force\", rc=-22!"));
    console_capture_clear();
    cmdline_parse("  nosuch=1   no-iommu=1 ");
    assert_true(console_capture_contains("parameter \"nosuch\" unknown!"));
    assert_true(console_capture_contains("parameter \"no-iommu\" has "
                                         "invalid value \"1\""));
    assert_true(iommu_enable);

    cmdline_reset();
    assert_false(force_iommu);
    assert_false(iommu_verbose);
}

static void cmdline_registers_parameters_as_xen(void **state)
{
    (void)state;
    cmdline_parse("compat-flag compat-num=0x20 compat-str=abcdefghijk");
    assert_true(opt_compat_flag);
    assert_int_equal(opt_compat_num, 32);
    assert_string_equal(opt_compat_str, "abcdefg");      /* cut to fit */
    cmdline_parse("no-compat-flag compat-num=010");
    assert_false(opt_compat_flag);
    assert_int_equal(opt_compat_num, 8);
    cmdline_parse("compat-flag=on");
    assert_true(opt_compat_flag);
    cmdline_parse("compat-flag=off");
    assert_false(opt_compat_flag);

    console_capture_clear();
    cmdline_parse("compat-num=12z compat-flag=maybe");
    assert_int_equal(opt_compat_num, 8);
    assert_true(console_capture_contains("parameter \"compat-num\" has "
                                         "invalid value \"12z\""));
    assert_true(console_capture_contains("parameter \"compat-flag\" has "
                                         "invalid value \"maybe\""));

    cmdline_reset();
    assert_false(opt_compat_flag);
    assert_int_equal(opt_compat_num, 7);
    assert_string_equal(opt_compat_str, "");

    assert_int_equal(parse_bool("enable", NULL), 1);
    assert_int_equal(parse_bool("disable,x", strchr("disable,x", ',')), 0);
    assert_int_equal(parse_bool("disablex", NULL), -1);
    assert_int_equal(parse_bool("no", NULL), 0);
    assert_int_equal(parse_boolean("force", "no-force", NULL), 0);
    assert_int_equal(parse_boolean("force", "force=yes", NULL), 1);
    assert_int_equal(parse_boolean("force", "forced", NULL), -1);
    assert_int_equal(cmdline_strcmp("verbose,x", "verbose"), 0);
    assert_int_not_equal(cmdline_strcmp("verbosex", "verbose"), 0);
}

/* Out of range: refused and reported, the parameter keeps its value
 * (neither wrapped past 64 bits nor cut to the variable's width). */
static void cmdline_refuses_numbers_out_of_range(void **state)
{
    (void)state;
    cmdline_parse("compat-num=9");
    assert_int_equal(opt_compat_num, 9);

    console_capture_clear();
    cmdline_parse("compat-num=4294967296");
    assert_int_equal(opt_compat_num, 9);
    assert_true(console_capture_contains("parameter \"compat-num\" has "
                                         "invalid value \"4294967296\""));

    console_capture_clear();
    cmdline_parse("compat-num=0x10000000000000020");
    assert_int_equal(opt_compat_num, 9);
    assert_true(console_capture_contains("invalid value "
                                         "\"0x10000000000000020\""));

    console_capture_clear();
    cmdline_parse("compat-num=18446744073709551648");
    assert_int_equal(opt_compat_num, 9);
    assert_true(console_capture_contains("invalid value "
                                         "\"18446744073709551648\""));

    /* The largest value that fits still does. */
    cmdline_parse("compat-num=0xffffffff");
    assert_int_equal(opt_compat_num, 0xffffffffU);
}

/* ---- An upstream-style driver on the core ---- */

static void boot_compat_tree(void)
{
    assert_int_equal(dt_host_init(xen_compat_dtb, xen_compat_dtb_size), 0);
    assert_int_equal(iommu_setup(), 0);
    assert_true(iommu_enabled);
}

static void shutdown_compat_tree(void)
{
    iommu_hardware_teardown();
    xencompat_forget();
    dt_host_free();
}

static void xen_driver_assigns_deassigns_and_tears_down(void **state)
{
    struct domain hwdom, guest;
    unsigned long blocks = xmalloc_live_blocks();
    unsigned long bytes = xmalloc_used_bytes();

    (void)state;
    boot_compat_tree();
    /* dom_io went through the driver's init hook, as in Xen. */
    assert_true(is_iommu_enabled(dom_io));
    assert_true(xencompat_has_domain(dom_io));
    assert_int_equal(xencompat_nr_domains(), 1);

    assert_int_equal(iommu_add_dt_device(node(MMC)), 0);
    assert_int_equal(iommu_add_dt_device(node(SATA)), 0);
    assert_int_equal(iommu_add_dt_device(node(ETH)), 0);
    assert_true(dt_device_is_protected(node(SATA)));
    assert_int_equal(dev_iommu_fwspec_get(dt_to_dev(node(SATA)))->num_ids,
                     2);

    make_domain(&hwdom, 0, CDF_privileged | CDF_directmap | CDF_iommu);
    make_domain(&guest, 1, CDF_iommu);
    iommu_hwdom_init(&hwdom);
    assert_int_equal(xencompat_nr_domains(), 3);

    assert_int_equal(iommu_assign_dt_device(&guest, node(MMC)), 0);
    assert_int_equal(iommu_assign_dt_device(&guest, node(SATA)), 0);
    assert_int_equal(iommu_assign_dt_device(&hwdom, node(ETH)), 0);
    assert_ptr_equal(xencompat_owner(node(MMC)), &guest);
    assert_int_equal(xencompat_ctx(&guest), 1);
    assert_int_equal(xencompat_ctx(&hwdom), 2);
    assert_true(console_capture_contains("xencompat: d1: context 1"));

    /* Deassign: the driver is asked with NULL and accepts it. */
    console_capture_clear();
    assert_int_equal(iommu_deassign_dt_device(&guest, node(MMC)), 0);
    assert_null(xencompat_owner(node(MMC)));
    assert_false(iommu_dt_device_is_assigned(node(MMC)));
    assert_false(console_capture_contains("not attached"));
    assert_int_equal(xencompat_ctx(&guest), 1);       /* SATA still there */

    /* And the device can go to another domain. */
    assert_int_equal(iommu_assign_dt_device(&hwdom, node(MMC)), 0);
    assert_ptr_equal(xencompat_owner(node(MMC)), &hwdom);

    /* Destruction releases what is left, then tears the domain down. */
    iommu_domain_destroy(&guest);
    assert_null(xencompat_owner(node(SATA)));
    assert_false(iommu_dt_device_is_assigned(node(SATA)));
    assert_false(xencompat_has_domain(&guest));
    assert_int_equal(xencompat_ctx_used(), 2);        /* 0 and hwdom's */
    assert_false(console_capture_contains("cannot return"));

    iommu_domain_destroy(&hwdom);
    assert_null(xencompat_owner(node(ETH)));
    assert_null(xencompat_owner(node(MMC)));
    assert_int_equal(xencompat_ctx_used(), 1);
    assert_int_equal(xencompat_nr_domains(), 1);      /* dom_io */

    /* Teardown: core state freed; what the driver keeps is named. */
    console_capture_clear();
    iommu_hardware_teardown();
    assert_false(is_iommu_enabled(dom_io));
    assert_int_equal(xencompat_nr_domains(), 0);
    assert_true(console_capture_contains("the driver has no "
                                         "free_fwspec_priv hook: the private "
                                         "data of 3 devices was not freed"));
    assert_true(console_capture_contains("the driver has no shutdown hook"));
    dt_host_free();
    assert_int_equal(xmalloc_live_blocks() - blocks,
                     xencompat_live_allocs());
    assert_int_equal(xencompat_live_allocs(), 4);     /* 3 masters, 1 mmu */

    xencompat_forget();
    assert_int_equal(xmalloc_live_blocks(), blocks);
    assert_int_equal(xmalloc_used_bytes(), bytes);
}

static void iommu_0_leaves_devices_unprotected(void **state)
{
    (void)state;
    cmdline_parse("iommu=0");
    assert_int_equal(dt_host_init(xen_compat_dtb, xen_compat_dtb_size), 0);
    assert_int_equal(iommu_setup(), 0);
    assert_false(iommu_enabled);
    assert_true(console_capture_contains("I/O virtualisation disabled"));
    assert_int_equal(iommu_add_dt_device(node(MMC)), 1);
    assert_false(dt_device_is_protected(node(MMC)));
    assert_false(is_iommu_enabled(dom_io));
    iommu_hardware_teardown();
    dt_host_free();
}

static void iommu_verbose_names_every_device(void **state)
{
    struct domain guest;

    (void)state;
    boot_compat_tree();
    assert_int_equal(iommu_add_dt_device(node(MMC)), 0);
    assert_false(console_capture_contains("IOMMU: " MMC " registered"));
    iommu_hardware_teardown();
    xencompat_forget();
    dt_host_free();

    cmdline_parse("iommu=verbose");
    console_capture_clear();
    boot_compat_tree();
    make_domain(&guest, 1, CDF_iommu);
    assert_int_equal(iommu_add_dt_device(node(SATA)), 0);
    assert_int_equal(iommu_assign_dt_device(&guest, node(SATA)), 0);
    assert_int_equal(iommu_deassign_dt_device(&guest, node(SATA)), 0);
    assert_true(console_capture_contains("IOMMU: " SATA " registered (2 "
                                         "ids), quarantined"));
    assert_true(console_capture_contains("IOMMU: " SATA " assigned to d1"));
    assert_true(console_capture_contains("IOMMU: " SATA " deassigned from "
                                         "d1"));
    iommu_domain_destroy(&guest);
    shutdown_compat_tree();
}

static jmp_buf panic_jmp;
static char panic_msg[512];

static void catch_panic(const char *msg)
{
    snprintf(panic_msg, sizeof(panic_msg), "%s", msg);
    longjmp(panic_jmp, 1);
}

/* iommu=force with no IOMMU: fatal, as Xen panics. */
static void iommu_force_without_iommu_is_fatal(void **state)
{
    volatile bool returned = false;

    (void)state;
    panic_msg[0] = '\0';
    cmdline_parse("iommu=force,off");
    assert_int_equal(dt_host_init(xen_compat_dtb, xen_compat_dtb_size), 0);
    hosted_set_panic_hook(catch_panic);
    if ( !setjmp(panic_jmp) )
    {
        iommu_setup();
        returned = true;
    }
    hosted_set_panic_hook(NULL);
    iommu_hardware_teardown();
    dt_host_free();
    assert_false(returned);
    assert_string_equal(panic_msg, "IOMMU required (iommu=force) but none "
                        "could be enabled");

    /* With an IOMMU up, force changes nothing. */
    cmdline_reset();
    cmdline_parse("iommu=force");
    boot_compat_tree();
    shutdown_compat_tree();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            printk_prints_domains_and_vcpus_as_xen, setup, teardown),
        cmocka_unit_test_setup_teardown(
            printk_prints_bitmaps_and_buffers_as_xen, setup, teardown),
        cmocka_unit_test_setup_teardown(
            printk_c_conversions_match_the_c_library, setup, teardown),
        cmocka_unit_test_setup_teardown(
            printk_precision_bounds_the_string_read, setup, teardown),
        cmocka_unit_test_setup_teardown(
            headers_bring_what_xens_bring, setup, teardown),
        cmocka_unit_test_setup_teardown(
            cmdline_parses_the_iommu_option_as_xen, setup, teardown),
        cmocka_unit_test_setup_teardown(
            cmdline_registers_parameters_as_xen, setup, teardown),
        cmocka_unit_test_setup_teardown(
            cmdline_refuses_numbers_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(
            xen_driver_assigns_deassigns_and_tears_down, setup, teardown),
        cmocka_unit_test_setup_teardown(
            iommu_0_leaves_devices_unprotected, setup, teardown),
        cmocka_unit_test_setup_teardown(
            iommu_verbose_names_every_device, setup, teardown),
        cmocka_unit_test_setup_teardown(
            iommu_force_without_iommu_is_fatal, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
