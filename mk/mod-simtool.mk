# ipmmu-sim's front end beyond 'dt' and 'run': the one door every device
# tree goes through (sim_tree.c + tree_checks.c), dtdev paths, the driver
# probe without domains, 'check', 'dt --format dot', their tests, the
# fuzz targets of the 'run' path and of the config reader, and the
# topology pictures.  See docs/ipmmu-sim.md.
SIMTOOL_SRCS := tools/ipmmu-sim/sim_tree.c tools/ipmmu-sim/tree_checks.c \
                tools/ipmmu-sim/dtdev_path.c tools/ipmmu-sim/sim_probe.c \
                tools/ipmmu-sim/dt_dot.c
ipmmu-sim_SRCS += $(SIMTOOL_SRCS) tools/ipmmu-sim/cmd_check.c
