#ifndef ASM_ARM_MM_H
#define ASM_ARM_MM_H

/*
 * The Arm memory-management header drivers include: page sizes and, as
 * in Xen, ioremap_nocache() / iounmap() for device memory (declared by
 * <asm/io.h>, which the hosted build provides as its MMIO bus).
 */
#include <xen/types.h>
#include <asm/io.h>
#include <asm/page.h>

#endif /* ASM_ARM_MM_H */
