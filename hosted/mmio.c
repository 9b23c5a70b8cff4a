/*
 * ioremap cookies and the MMIO bus.  A cookie is never dereferenced: its
 * value is MMIO_COOKIE_BASE + physical address, so readl/writel recover the
 * address with a subtraction and check it against the live mappings.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <asm/io.h>
#include <xen/lib.h>
#include "hosted/mmio.h"

#define MMIO_COOKIE_BASE  0x100000000000ULL   /* above any 40-bit address */
#define MMIO_MAX_WINDOWS  256
#define MMIO_MAX_MAPPINGS 256

struct mmio_window {
    uint64_t base, size;
    const char *name;
    mmio_read_fn read;
    mmio_write_fn write;
    void *opaque;
};

struct mmio_mapping {
    uint64_t pa, size;
    bool live;
};

static struct mmio_window windows[MMIO_MAX_WINDOWS];
static unsigned int nr_windows;
static struct mmio_mapping mappings[MMIO_MAX_MAPPINGS];
static unsigned long bus_errors;
static pthread_mutex_t mmio_lock = PTHREAD_MUTEX_INITIALIZER;

int hosted_mmio_register(uint64_t base, uint64_t size, const char *name,
                         mmio_read_fn read, mmio_write_fn write,
                         void *opaque)
{
    unsigned int i;

    if ( !size || base + size < base || nr_windows == MMIO_MAX_WINDOWS )
        return -1;
    for ( i = 0; i < nr_windows; i++ )
        if ( base < windows[i].base + windows[i].size &&
             windows[i].base < base + size )
            return -1;
    windows[nr_windows++] = (struct mmio_window){ base, size, name, read,
                                                  write, opaque };
    return 0;
}

void hosted_mmio_unregister_all(void)
{
    pthread_mutex_lock(&mmio_lock);
    nr_windows = 0;
    memset(mappings, 0, sizeof(mappings));
    pthread_mutex_unlock(&mmio_lock);
}

static struct mmio_window *window_of(uint64_t pa)
{
    unsigned int i;

    for ( i = 0; i < nr_windows; i++ )
        if ( pa >= windows[i].base && pa - windows[i].base < windows[i].size )
            return &windows[i];
    return NULL;
}

static void bus_error(const char *what, uint64_t pa)
{
    __atomic_fetch_add(&bus_errors, 1, __ATOMIC_SEQ_CST);
    printk(XENLOG_ERR "mmio: bus error: %s at %#lx\n", what,
           (unsigned long)pa);
}

int hosted_mmio_read32(uint64_t pa, uint32_t *val)
{
    struct mmio_window *w = window_of(pa);

    if ( !w || !w->read || w->read(w->opaque, pa - w->base, val) )
    {
        bus_error(w ? "read refused by device" : "read of unclaimed address",
                  pa);
        *val = 0xffffffffU;
        return -1;
    }
    return 0;
}

int hosted_mmio_write32(uint64_t pa, uint32_t val)
{
    struct mmio_window *w = window_of(pa);

    if ( !w || !w->write || w->write(w->opaque, pa - w->base, val) )
    {
        bus_error(w ? "write refused by device"
                    : "write to unclaimed address", pa);
        return -1;
    }
    return 0;
}

void *ioremap_nocache(paddr_t pa, size_t len)
{
    unsigned int i;
    void *cookie = NULL;

    if ( !len || pa + len < pa || pa >= (1ULL << 48) )
        return NULL;
    pthread_mutex_lock(&mmio_lock);
    for ( i = 0; i < MMIO_MAX_MAPPINGS; i++ )
        if ( !mappings[i].live )
        {
            mappings[i] = (struct mmio_mapping){ pa, len, true };
            cookie = (void *)(uintptr_t)(MMIO_COOKIE_BASE + pa);
            break;
        }
    pthread_mutex_unlock(&mmio_lock);
    return cookie;
}

void iounmap(void *va)
{
    uint64_t pa = (uintptr_t)va - MMIO_COOKIE_BASE;
    unsigned int i;

    pthread_mutex_lock(&mmio_lock);
    for ( i = 0; i < MMIO_MAX_MAPPINGS; i++ )
        if ( mappings[i].live && mappings[i].pa == pa )
        {
            mappings[i].live = false;
            break;
        }
    pthread_mutex_unlock(&mmio_lock);
}

/* The physical address behind a cookie, if some live mapping covers it. */
static bool cookie_to_pa(const volatile void *addr, uint64_t *pa)
{
    uint64_t a = (uintptr_t)addr - MMIO_COOKIE_BASE;
    unsigned int i;
    bool ok = false;

    pthread_mutex_lock(&mmio_lock);
    for ( i = 0; i < MMIO_MAX_MAPPINGS && !ok; i++ )
        ok = mappings[i].live && a >= mappings[i].pa &&
             a + 4 <= mappings[i].pa + mappings[i].size;
    pthread_mutex_unlock(&mmio_lock);
    *pa = a;
    return ok;
}

/*
 * Ordering of a CPU's own accesses: the register this thread wrote last
 * through writel, and whether a dsb() came after it.  Reading that same
 * register back before a dsb() is a poll that may see the value from
 * before the write on real hardware (the write can still be in flight).
 */
static __thread uint64_t last_write_pa = ~0ULL;
static __thread bool dsb_since_write = true;
static unsigned long unordered_readbacks;

void hosted_dsb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    dsb_since_write = true;
}

unsigned long hosted_mmio_unordered_readbacks(void)
{
    return __atomic_load_n(&unordered_readbacks, __ATOMIC_SEQ_CST);
}

uint32_t hosted_readl(const volatile void *addr)
{
    uint64_t pa;
    uint32_t v;

    if ( !cookie_to_pa(addr, &pa) )
    {
        bus_error("readl outside any ioremap window", pa);
        return 0xffffffffU;
    }
    if ( pa == last_write_pa && !dsb_since_write )
        __atomic_fetch_add(&unordered_readbacks, 1, __ATOMIC_SEQ_CST);
    hosted_mmio_read32(pa, &v);
    return v;
}

void hosted_writel(uint32_t v, volatile void *addr)
{
    uint64_t pa;

    if ( !cookie_to_pa(addr, &pa) )
    {
        bus_error("writel outside any ioremap window", pa);
        return;
    }
    last_write_pa = pa;
    dsb_since_write = false;
    hosted_mmio_write32(pa, v);
}

unsigned long hosted_mmio_bus_errors(void)
{
    return __atomic_load_n(&bus_errors, __ATOMIC_SEQ_CST);
}

unsigned int hosted_mmio_live_mappings(void)
{
    unsigned int i, n = 0;

    for ( i = 0; i < MMIO_MAX_MAPPINGS; i++ )
        n += mappings[i].live;
    return n;
}
