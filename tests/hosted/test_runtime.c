/* The hosted runtime: console, clock, interrupts, MMIO bus, pages, locks. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <asm/io.h>
#include <xen/alloc_fail.h>
#include <xen/bitmap.h>
#include <xen/bitops.h>
#include <xen/delay.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include "hosted/clock.h"
#include "hosted/console.h"
#include "hosted/irq.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "hosted/mmio.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"

static void printk_levels_are_captured_with_their_names(void **state)
{
    (void)state;
    console_capture_start();
    printk(XENLOG_ERR "disk %d on fire\n", 3);
    printk("plain line\n");
    printk(XENLOG_DEBUG "chatter\n");
    assert_true(console_capture_contains("[ERR] disk 3 on fire\n"));
    assert_true(console_capture_contains("[INFO] plain line\n"));
    assert_true(console_capture_contains("[DEBUG] chatter\n"));
    assert_int_equal(console_capture_count("on fire"), 1);
    console_capture_clear();
    assert_string_equal(console_capture_text(), "");
    console_capture_stop();
}

static void udelay_advances_virtual_time_only(void **state)
{
    s_time_t t0;

    (void)state;
    hosted_clock_reset();
    t0 = NOW();
    udelay(100);
    assert_int_equal(NOW() - t0, MICROSECS(100));
    assert_int_equal(hosted_clock_delay_ns(), 100000);
    hosted_clock_advance(5);
    assert_int_equal(NOW() - t0, MICROSECS(100) + 5);
}

static int irq_hits;
static void count_irq(int irq, void *dev)
{
    assert_int_equal(irq, 228);
    assert_ptr_equal(dev, &irq_hits);
    irq_hits++;
}

static void masked_interrupts_are_delivered_on_unmask(void **state)
{
    unsigned long flags;

    (void)state;
    hosted_irq_reset();
    irq_hits = 0;
    assert_false(hosted_irq_raise(228));
    assert_int_equal(request_irq(228, 0, count_irq, "test", &irq_hits), 0);
    assert_int_equal(request_irq(228, 0, count_irq, "again", &irq_hits),
                     -EBUSY);
    assert_true(hosted_irq_raise(228));
    assert_int_equal(irq_hits, 1);
    flags = local_irq_save();
    assert_true(hosted_irq_raise(228));
    assert_int_equal(irq_hits, 1);
    local_irq_restore(flags);
    assert_int_equal(irq_hits, 2);
    assert_int_equal(hosted_irq_count(228), 2);
    release_irq(228, &irq_hits);
    assert_false(hosted_irq_has_handler(228));
}

static uint32_t fake_reg[4];
static int fake_read(void *opaque, uint64_t off, uint32_t *val)
{
    (void)opaque;
    if ( off >= sizeof(fake_reg) || off % 4 )
        return -1;
    *val = fake_reg[off / 4];
    return 0;
}
static int fake_write(void *opaque, uint64_t off, uint32_t val)
{
    (void)opaque;
    if ( off >= sizeof(fake_reg) || off % 4 )
        return -1;
    fake_reg[off / 4] = val;
    return 0;
}

static void mmio_reaches_the_device_and_reports_bus_errors(void **state)
{
    uint8_t *regs;
    unsigned long errs;

    (void)state;
    hosted_mmio_unregister_all();
    assert_int_equal(hosted_mmio_register(0xe6000000, 0x1000, "fake",
                                          fake_read, fake_write, NULL), 0);
    assert_int_equal(hosted_mmio_register(0xe6000800, 0x1000, "overlap",
                                          fake_read, fake_write, NULL), -1);
    regs = ioremap_nocache(0xe6000000, 0x1000);
    assert_non_null(regs);
    writel(0xcafe, regs + 4);
    assert_int_equal(fake_reg[1], 0xcafe);
    assert_int_equal(readl(regs + 4), 0xcafe);

    console_set_echo(false);
    errs = hosted_mmio_bus_errors();
    assert_int_equal(readl(regs + 0x100), 0xffffffffU);   /* refused */
    writel(1, regs + 0x2000);                            /* unmapped */
    assert_int_equal(hosted_mmio_bus_errors(), errs + 2);
    iounmap(regs);
    assert_int_equal(hosted_mmio_live_mappings(), 0);
    assert_int_equal(readl(regs + 4), 0xffffffffU);      /* after unmap */
    assert_int_equal(hosted_mmio_bus_errors(), errs + 3);
    console_set_echo(true);
    hosted_mmio_unregister_all();
}

static void pages_come_from_simulated_ram_and_go_back(void **state)
{
    struct domain *d = (struct domain *)0x1234;
    unsigned long free0;
    struct page_info *pg;
    uint8_t *va;
    uint8_t byte;

    (void)state;
    hosted_ram_reset();
    assert_int_equal(hosted_ram_add_bank(0x48000000, 0x10000000), 0);
    free0 = hosted_pages_free();
    assert_int_equal(free0, 0x10000);

    va = alloc_xenheap_pages(2, 0);
    assert_non_null(va);
    assert_int_equal(virt_to_maddr(va) % (4 * PAGE_SIZE), 0);
    va[5] = 0x5a;
    assert_int_equal(phys_mem_read(hosted_phys_mem(), virt_to_maddr(va) + 5,
                                   &byte, 1), 0);
    assert_int_equal(byte, 0x5a);
    assert_int_equal(hosted_pages_xenheap(), 4);

    pg = alloc_domheap_pages(d, 9, 0);
    assert_non_null(pg);
    assert_int_equal(page_to_maddr(pg) % (512 * PAGE_SIZE), 0);
    assert_ptr_equal(pg->owner, d);
    assert_int_equal(hosted_pages_owned_by(d), 512);
    assert_ptr_equal(mfn_to_page(page_to_mfn(pg)), pg);
    /* The Xen heap has a zone of its own; board RAM gave only 512. */
    assert_true(virt_to_maddr(va) >= HOSTED_HEAP_BASE);
    assert_int_equal(hosted_pages_free(), free0 - 512);

    free_domheap_pages(pg, 9);
    free_xenheap_pages(va, 2);
    assert_int_equal(hosted_pages_owned_by(d), 0);
    assert_int_equal(hosted_pages_free(), free0);
    assert_null(mfn_to_page(_mfn(0x1000)));   /* not RAM */
    hosted_ram_reset();
}

static void the_nth_allocation_fails_once(void **state)
{
    void *a, *b, *c;

    (void)state;
    hosted_ram_reset();
    alloc_count_reset();
    alloc_fail_nth(2);
    a = alloc_xenheap_pages(0, 0);
    b = alloc_xenheap_pages(0, 0);
    c = alloc_xenheap_pages(0, 0);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    assert_int_equal(alloc_count(), 3);
    assert_int_equal(alloc_failures_injected(), 1);
    free_xenheap_pages(a, 0);
    free_xenheap_pages(c, 0);
    alloc_count_reset();
    hosted_ram_reset();
}

static void bus_errors_outside_ram_copy_nothing(void **state)
{
    struct phys_mem *pm = phys_mem_create();
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint64_t v = 0;

    (void)state;
    assert_int_equal(phys_mem_add_bank(pm, 0x1000, 0x2000, NULL), 0);
    assert_int_equal(phys_mem_add_bank(pm, 0x2000, 0x1000, NULL), -1);
    assert_int_equal(phys_mem_add_bank(pm, 1ULL << 40, 0x1000, NULL), -1);
    assert_int_equal(phys_mem_write(pm, 0x2ffc, buf, 8), -1);
    assert_int_equal(phys_mem_read64(pm, 0x2ff8, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(phys_mem_write(pm, 0x1ffc, buf, 8), 0);  /* crosses */
    assert_int_equal(phys_mem_read64(pm, 0x1ffc, &v), 0);
    assert_int_equal(v, 0x0807060504030201ULL);
    assert_int_equal(phys_mem_pages_touched(pm), 2);
    assert_int_equal(phys_mem_bus_errors(pm), 1);
    phys_mem_destroy(pm);
}

/* The VmFlags line of the host mapping holding addr, or "" if none. */
static void vm_flags_of(const void *addr, char *flags, size_t len)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[256];
    bool inside = false;

    flags[0] = '\0';
    assert_non_null(f);
    while ( fgets(line, sizeof(line), f) )
    {
        unsigned long lo, hi;

        if ( sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') <
             strchr(line, ' ') )
            inside = (unsigned long)addr >= lo && (unsigned long)addr < hi;
        else if ( inside && !strncmp(line, "VmFlags:", 8) )
        {
            snprintf(flags, len, "%s", line + 8);
            break;
        }
    }
    fclose(f);
}

/*
 * Whether a hint given here shows in the mapping's flags: not on a kernel
 * without transparent huge pages, nor under qemu-user, which drops it.
 */
static bool host_honours_huge_page_hints(void)
{
    size_t len = 4 << 20;
    void *probe = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char flags[256];

    if ( probe == MAP_FAILED )
        return false;
    flags[0] = '\0';
    if ( !madvise(probe, len, MADV_HUGEPAGE) )
        vm_flags_of(probe, flags, sizeof(flags));
    munmap(probe, len);
    return strstr(flags, " hg") != NULL;
}

static void the_heap_zone_asks_for_huge_pages(void **state)
{
    struct phys_mem *pm = phys_mem_create();
    void *heap = alloc_xenheap_pages(0, 0);
    char flags[256];

    (void)state;
    /* The hint is refused only for a base that is not a bank. */
    assert_int_equal(phys_mem_add_bank(pm, 0x200000, 0x400000, NULL), 0);
    assert_int_equal(phys_mem_prefer_huge_pages(pm, 0x200000), 0);
    assert_int_equal(phys_mem_prefer_huge_pages(pm, 0x300000), -1);
    phys_mem_destroy(pm);

    assert_non_null(heap);
    assert_true(virt_to_maddr(heap) >= HOSTED_HEAP_BASE);
    if ( !host_honours_huge_page_hints() )
    {
        free_xenheap_pages(heap, 0);
        print_message("the host ignores huge-page hints (no THP, or "
                      "qemu-user): skipped\n");
        skip();
    }
    vm_flags_of(heap, flags, sizeof(flags));
    assert_non_null(strstr(flags, " hg"));
    free_xenheap_pages(heap, 0);
}

struct item {
    int v;
    struct list_head link;
};

static void lists_and_bitmaps_behave(void **state)
{
    LIST_HEAD(head);
    struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 }, *it, *tmp;
    DECLARE_BITMAP(map, 130);
    int sum = 0;

    (void)state;
    list_add_tail(&a.link, &head);
    list_add_tail(&b.link, &head);
    list_add(&c.link, &head);
    list_for_each_entry_safe(it, tmp, &head, link)
    {
        sum = sum * 10 + it->v;
        if ( it->v == 1 )
            list_del(&it->link);
    }
    assert_int_equal(sum, 312);
    assert_int_equal(list_first_entry(&head, struct item, link)->v, 3);

    bitmap_zero(map, 130);
    assert_int_equal(find_first_bit(map, 130), 130);
    set_bit(129, map);
    set_bit(64, map);
    assert_int_equal(find_first_bit(map, 130), 64);
    assert_int_equal(find_next_bit(map, 130, 65), 129);
    assert_true(test_and_clear_bit(64, map));
    assert_false(test_bit(64, map));
    assert_int_equal(find_first_zero_bit(map, 130), 0);
    assert_int_equal(bitmap_weight(map, 130), 1);
    assert_int_equal(fls(0x80000000U), 32);
    assert_int_equal(flsl(1), 1);
    assert_int_equal(GENMASK(7, 4), 0xf0);
}

static DEFINE_SPINLOCK(count_lock);
static unsigned long shared_count;

static void *bump_many(void *arg)
{
    unsigned long flags;
    int i;

    (void)arg;
    for ( i = 0; i < 200000; i++ )
    {
        spin_lock_irqsave(&count_lock, flags);
        shared_count++;
        spin_unlock_irqrestore(&count_lock, flags);
    }
    return NULL;
}

static void spinlocks_exclude_across_threads(void **state)
{
    pthread_t t[4];
    int i;

    (void)state;
    shared_count = 0;
    for ( i = 0; i < 4; i++ )
        pthread_create(&t[i], NULL, bump_many, NULL);
    for ( i = 0; i < 4; i++ )
        pthread_join(t[i], NULL);
    assert_int_equal(shared_count, 800000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(printk_levels_are_captured_with_their_names),
        cmocka_unit_test(udelay_advances_virtual_time_only),
        cmocka_unit_test(masked_interrupts_are_delivered_on_unmask),
        cmocka_unit_test(mmio_reaches_the_device_and_reports_bus_errors),
        cmocka_unit_test(pages_come_from_simulated_ram_and_go_back),
        cmocka_unit_test(the_nth_allocation_fails_once),
        cmocka_unit_test(bus_errors_outside_ram_copy_nothing),
        cmocka_unit_test(the_heap_zone_asks_for_huge_pages),
        cmocka_unit_test(lists_and_bitmaps_behave),
        cmocka_unit_test(spinlocks_exclude_across_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
