# iommu-sim's front end beyond 'dt' and 'run': the one door every device
# tree goes through (sim_tree.c + tree_checks.c), dtdev paths, the driver
# probe without domains, 'check', 'dt --format dot', their tests, the
# fuzz targets of the 'run' path and of the config reader, and the
# topology pictures.  See docs/iommu-sim.md.
SIMTOOL_SRCS := tools/iommu-sim/sim_tree.c tools/iommu-sim/tree_checks.c \
                tools/iommu-sim/dtdev_path.c tools/iommu-sim/sim_probe.c \
                tools/iommu-sim/dt_dot.c tools/iommu-sim/sim_output.c \
                $(PORT_GROUPS_SRCS)
iommu-sim_SRCS += $(SIMTOOL_SRCS) tools/iommu-sim/cmd_check.c

# The door, on every hostile tree of tests/sim/hostile_blobs.c.
SIMTOOL_TEST_SRCS := $(SIMTOOL_SRCS) tools/iommu-sim/dt_report.c \
                     tools/iommu-sim/run_config.c tests/sim/hostile_blobs.c
TESTS += test_sim_tree
test_sim_tree_SRCS := tests/sim/test_sim_tree.c $(SIMTOOL_TEST_SRCS)

# Writes the hostile trees as files for the shell tests.
TEST_PROGS += mk_hostile
mk_hostile_SRCS := tests/sim/mk_hostile.c tests/sim/hostile_blobs.c

# Hostile trees through every command, the exit-status table row by row,
# check and dot on the boards and the mainline trees (when compiled).
TEST_STEPS += test-iommu-sim-door
test-iommu-sim-door: $(BUILD)/asan/bin/iommu-sim $(BUILD)/asan/bin/mk_hostile \
                     $(BOARD_DTBS)
	@tests/sim/iommu-sim-door.sh $(BUILD)/asan/bin/iommu-sim \
	    $(BUILD)/asan/bin/mk_hostile $(BUILD)

# ---- libFuzzer targets: the 'run' path on a blob, the config reader -------
# Built like fuzz_dt (mk/mod-dt.mk: clang, ASan, UBSan, the same core
# objects under build/fuzz/obj).  Seeds: the built-in boards and the
# hostile trees (tests/fuzz/corpus_run/*.bin) for fuzz_run; the scenario
# configs and tests/fuzz/corpus_config/* for fuzz_config.
#   make fuzz-run / fuzz-config    FUZZ_SECONDS each, finds kept
#   make test-fuzz-run / -config   the `make test` steps, -seed=1
FUZZ_RUN_SMOKE_SECONDS    ?= 25
FUZZ_CONFIG_SMOKE_SECONDS ?= 15
FUZZ_RUN_BIN    := $(FUZZ_DIR)/bin/fuzz_run
FUZZ_CONFIG_BIN := $(FUZZ_DIR)/bin/fuzz_config
FUZZ_RUN_SRCS   := tests/fuzz/fuzz_run.c $(SIMTOOL_SRCS) \
                   tools/iommu-sim/dt_report.c tools/iommu-sim/run_config.c
FUZZ_CONFIG_SRCS := tests/fuzz/fuzz_config.c tools/iommu-sim/run_config.c
FUZZ_RUN_OBJS    ?=
FUZZ_CONFIG_OBJS ?=
FUZZ_TARGETS     += fuzz-run fuzz-config

$(FUZZ_RUN_BIN): $(FUZZ_RUN_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ -lfdt -lpthread -lm

$(FUZZ_CONFIG_BIN): $(FUZZ_CONFIG_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

.PHONY: fuzz-run fuzz-config fuzz-run-bin fuzz-config-bin fuzz-sim-seeds \
        test-fuzz-run test-fuzz-config
fuzz-run-bin:
	@$(MAKE) --no-print-directory $(FUZZ_RUN_BIN) \
	    FUZZ_RUN_OBJS="$(call fuzz_objs,$(FUZZ_RUN_SRCS) $(CORE_SRCS))"
fuzz-config-bin:
	@$(MAKE) --no-print-directory $(FUZZ_CONFIG_BIN) \
	    FUZZ_CONFIG_OBJS="$(call fuzz_objs,$(FUZZ_CONFIG_SRCS))"

fuzz-sim-seeds: $(BOARD_DTBS)
	@rm -rf $(FUZZ_DIR)/seeds_run $(FUZZ_DIR)/seeds_config
	@mkdir -p $(FUZZ_DIR)/seeds_run $(FUZZ_DIR)/seeds_config
	@cp $(BOARD_DTBS) tests/fuzz/corpus_run/*.bin $(FUZZ_DIR)/seeds_run/
	@cp tests/scenarios/*.cfg tests/fuzz/corpus_config/* \
	    $(FUZZ_DIR)/seeds_config/

# run_fuzz_sim(name, seconds, corpus dir, extra flags, max_len): as
# run_fuzz_dt, for fuzz_NAME with seeds_NAME.
define run_fuzz_sim
	@echo "fuzz_$(1): $(2) s (log: $(FUZZ_DIR)/fuzz_$(1).log)"
	@mkdir -p $(3)
	@timeout $$(( $(2) + 120 )) \
	$(FUZZ_DIR)/bin/fuzz_$(1) -max_total_time=$(2) -timeout=10 \
	    -rss_limit_mb=2048 $(4) -max_len=$(5) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$(1)- \
	    $(3) $(FUZZ_DIR)/seeds_$(1) >$(FUZZ_DIR)/fuzz_$(1).log 2>&1; \
	rc=$$?; \
	grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/fuzz_$(1).log; \
	if [ $$rc -ne 0 ]; then \
	    tail -60 $(FUZZ_DIR)/fuzz_$(1).log; \
	    echo "fuzz_$(1): FAILED (exit $$rc); reproducer: $(FUZZ_DIR)/crash-$(1)-*"; \
	    [ -n "$$TEST_SUMMARY" ] && echo "failed 1" >>"$$TEST_SUMMARY"; \
	    exit 1; \
	fi; \
	[ -n "$$TEST_SUMMARY" ] && echo "passed 1" >>"$$TEST_SUMMARY"; true
endef

fuzz-run: fuzz-run-bin fuzz-sim-seeds
	$(call run_fuzz_sim,run,$(FUZZ_SECONDS),$(FUZZ_DIR)/corpus_run,,65536)
fuzz-config: fuzz-config-bin fuzz-sim-seeds
	$(call run_fuzz_sim,config,$(FUZZ_SECONDS),$(FUZZ_DIR)/corpus_config,,4096)

test-fuzz-run: fuzz-run-bin fuzz-sim-seeds
	@rm -rf $(FUZZ_DIR)/smoke_corpus_run
	$(call run_fuzz_sim,run,$(FUZZ_RUN_SMOKE_SECONDS),$(FUZZ_DIR)/smoke_corpus_run,-seed=1,65536)
test-fuzz-config: fuzz-config-bin fuzz-sim-seeds
	@rm -rf $(FUZZ_DIR)/smoke_corpus_config
	$(call run_fuzz_sim,config,$(FUZZ_CONFIG_SMOKE_SECONDS),$(FUZZ_DIR)/smoke_corpus_config,-seed=1,4096)

TEST_STEPS += test-fuzz-run test-fuzz-config

# ---- Topology pictures: `make topology` --------------------------------
# 'iommu-sim dt --format dot' of each built-in board, rendered by
# Graphviz's dot (Debian's graphviz, from scripts/install-deps.sh) into
# build/topology/NAME.svg.  docs/topology-h3-salvator-xs.svg, shown in
# README.md, is a copy of the H3 one (`make topology-docs` refreshes it).
TOPOLOGY_SVGS := $(patsubst %,$(BUILD)/topology/%.svg,$(BOARD_NAMES))

.PHONY: topology topology-docs
topology: $(TOPOLOGY_SVGS)

$(BUILD)/topology/%.svg: $(BUILD)/rel/bin/iommu-sim
	@mkdir -p $(@D)
	$(BUILD)/rel/bin/iommu-sim dt --format dot --board $* >$(@:.svg=.dot)
	dot -Tsvg $(@:.svg=.dot) -o $@

topology-docs: $(BUILD)/topology/h3-salvator-xs.svg
	cp $< docs/topology-h3-salvator-xs.svg
