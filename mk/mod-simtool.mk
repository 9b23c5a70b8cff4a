# ipmmu-sim's front end beyond 'dt' and 'run': the one door every device
# tree goes through (sim_tree.c + tree_checks.c), dtdev paths, the driver
# probe without domains, 'check', 'dt --format dot', their tests, the
# fuzz targets of the 'run' path and of the config reader, and the
# topology pictures.  See docs/ipmmu-sim.md.
SIMTOOL_SRCS := tools/ipmmu-sim/sim_tree.c tools/ipmmu-sim/tree_checks.c \
                tools/ipmmu-sim/dtdev_path.c tools/ipmmu-sim/sim_probe.c \
                tools/ipmmu-sim/dt_dot.c
ipmmu-sim_SRCS += $(SIMTOOL_SRCS) tools/ipmmu-sim/cmd_check.c

# The door, on every hostile tree of tests/sim/hostile_blobs.c.
SIMTOOL_TEST_SRCS := $(SIMTOOL_SRCS) tools/ipmmu-sim/dt_report.c \
                     tools/ipmmu-sim/run_config.c tests/sim/hostile_blobs.c
TESTS += test_sim_tree
test_sim_tree_SRCS := tests/sim/test_sim_tree.c $(SIMTOOL_TEST_SRCS)

# Writes the hostile trees as files for the shell tests.
TEST_PROGS += mk_hostile
mk_hostile_SRCS := tests/sim/mk_hostile.c tests/sim/hostile_blobs.c

# Hostile trees through every command, the exit-status table row by row,
# check and dot on the boards and the mainline trees (when compiled).
TEST_STEPS += test-ipmmu-sim-door
test-ipmmu-sim-door: $(BUILD)/asan/bin/ipmmu-sim $(BUILD)/asan/bin/mk_hostile \
                     $(BOARD_DTBS)
	@tests/sim/ipmmu-sim-door.sh $(BUILD)/asan/bin/ipmmu-sim \
	    $(BUILD)/asan/bin/mk_hostile $(BUILD)
