#ifndef HOSTED_ASM_IO_H
#define HOSTED_ASM_IO_H

/*
 * Hosted MMIO: ioremap returns a cookie that stands for a physical address;
 * readl/writel hand the access to the platform's MMIO bus (hosted/mmio.c),
 * which routes it to the model that owns the address.
 */
#include <xen/types.h>
#include <asm/system.h>

void *ioremap_nocache(paddr_t pa, size_t len);
void iounmap(void *va);

uint32_t hosted_readl(const volatile void *addr);
void hosted_writel(uint32_t v, volatile void *addr);

#define readl_relaxed(a)     hosted_readl(a)
#define writel_relaxed(v, a) hosted_writel(v, a)
#define readl(a)             hosted_readl(a)
#define writel(v, a)         hosted_writel(v, a)

#endif /* HOSTED_ASM_IO_H */
