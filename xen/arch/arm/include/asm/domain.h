#ifndef ASM_ARM_DOMAIN_H
#define ASM_ARM_DOMAIN_H

/* The architecture's part of struct domain, and the guest memory map. */
#include <asm/p2m.h>

struct arch_domain {
    struct p2m_domain p2m;
};

/*
 * Guest RAM (the guest's physical address space, as Xen lays it out for
 * Arm guests): the first 3 GiB at GUEST_RAM0_BASE, the rest in bank 1
 * above 4 GiB.  The hardware domain has its RAM at IPA == PA instead.
 */
#define GUEST_RAM0_BASE   0x0040000000ULL
#define GUEST_RAM0_SIZE   0x00c0000000ULL
#define GUEST_RAM1_BASE   0x0200000000ULL
#define GUEST_RAM1_SIZE   0xfe00000000ULL
#define GUEST_RAM_BANKS   2

#endif /* ASM_ARM_DOMAIN_H */
