# Isolation and robustness of the IPMMU-VMSA driver (docs/ipmmu-driver.md):
# rate-limited, counted fault reports; masters sharing a uTLB; guests
# recreated, dying domains, teardown races; and the simulator's view of
# uTLB groups (docs/ipmmu-sim.md).

ISO_TEST_ENV := tests/ipmmu/ipmmu_test_env.c

TESTS += test_ipmmu_faults
test_ipmmu_faults_SRCS := tests/ipmmu/test_ipmmu_faults.c $(ISO_TEST_ENV)
