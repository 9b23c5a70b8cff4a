#ifndef TESTS_P2M_HARNESS_H
#define TESTS_P2M_HARNESS_H

/*
 * Shared helpers of the P2M and domain tests: a fresh machine, a domain
 * with an empty P2M of a chosen IPA size, a counting IOTLB flush hook,
 * the reference walker pointed at a domain's P2M, and the attributes a
 * type must have (written here from the architecture, not from p2m.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include <xen/domain.h>
#include <xen/sched.h>
#include <asm/p2m.h>
#include "tests/common/ref_walker.h"

/* Forget all RAM and domains' pages; console quiet. */
void harness_reset_machine(void);
/* A guest with no RAM and an empty P2M of ipa_bits. */
struct domain *harness_domain(domid_t id, unsigned int ipa_bits);

/* The counting flush hook: calls, the last arguments, the next result. */
struct flush_log {
    unsigned long calls;
    unsigned long dfn, count;
    unsigned int flags;
    int next_rc;                      /* what the hook returns */
    void (*inspect)(struct domain *d); /* called inside the hook */
};
extern struct flush_log flush_log;
void harness_hook_flush(struct domain *d);
int harness_count_flush(struct domain *d, dfn_t dfn, unsigned long count,
                        unsigned int flags);

/* The reference walker's view of d's P2M (from VTCR/VTTBR). */
void harness_ref_cfg(struct domain *d, struct ref_s2_cfg *cfg);
enum ref_fault harness_walk(struct domain *d, uint64_t ipa,
                            struct ref_s2_result *res);
/* Table pages the reference walker reaches. */
unsigned long harness_ref_tables(struct domain *d);
/* Valid leaves the reference walker sees, and the pages they map. */
unsigned long harness_ref_leaves(struct domain *d, unsigned long *pages);

/* What a leaf of type t must say; true if res matches. */
bool harness_attrs_match(p2m_type_t t, const struct ref_s2_result *res);

/* Pages the domain owns as P2M tables (root included). */
unsigned long harness_table_pages(struct domain *d);

#endif /* TESTS_P2M_HARNESS_H */
