#ifndef ASM_ARM_IO_H
#define ASM_ARM_IO_H

/* arm64 MMIO: device memory mapped by ioremap, accessed with barriers. */
#include <xen/types.h>
#include <asm/system.h>

void *ioremap_nocache(paddr_t pa, size_t len);
void iounmap(void *va);

static inline uint32_t readl_relaxed(const volatile void *addr)
{
    uint32_t v;

    __asm__ __volatile__("ldr %w0, [%1]" : "=r" (v) : "r" (addr));
    return v;
}

static inline void writel_relaxed(uint32_t v, volatile void *addr)
{
    __asm__ __volatile__("str %w0, [%1]" :: "rZ" (v), "r" (addr));
}

static inline uint32_t readl(const volatile void *addr)
{
    uint32_t v = readl_relaxed(addr);

    dmb(oshld);
    return v;
}

static inline void writel(uint32_t v, volatile void *addr)
{
    dmb(oshst);
    writel_relaxed(v, addr);
}

#endif /* ASM_ARM_IO_H */
