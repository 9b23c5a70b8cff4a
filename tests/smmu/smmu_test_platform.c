/*
 * The platform of the SMMU driver tests: hosted/platform.c, which builds
 * one SMMU model per SMMU node of the tree (docs/soc.md), behind the
 * small interface of smmu_test_env.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/soc.h"

#include "smmu_test_env.h"

static char last_error[256];

int smmu_test_platform_boot(const void *blob, size_t size)
{
    return platform_boot(blob, size, last_error, sizeof(last_error));
}

const char *smmu_test_platform_error(void)
{
    return last_error;
}

void smmu_test_platform_shutdown(void)
{
    platform_shutdown();
}

bool smmu_test_platform_booted(void)
{
    return platform_soc() != NULL;
}

struct smmu_model *smmu_test_platform_model(const char *path)
{
    return platform_soc() ? soc_find_smmu(platform_soc(), path) : NULL;
}

struct phys_mem *smmu_test_platform_mem(void)
{
    return soc_mem(platform_soc());
}
