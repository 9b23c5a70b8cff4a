#ifndef ASM_ARM_DOMAIN_H
#define ASM_ARM_DOMAIN_H

/* The architecture's part of struct domain. */
#include <asm/p2m.h>

struct arch_domain {
    struct p2m_domain p2m;
};

#endif /* ASM_ARM_DOMAIN_H */
