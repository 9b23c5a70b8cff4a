# Built-in boards, the real R-Car device trees, the iommu-sim tool and the
# device-tree benchmark.  See docs/boards.md and docs/iommu-sim.md.

# --- Built-in boards: boards/NAME.dts -> build/boards/NAME.dtb -> C --------
# Every program links the blobs and boards/boards.c (GEN_SRCS is part of
# the core), so any test or tool can boot a board with board_find().
BOARD_NAMES := h3-salvator-xs m3n-salvator-xs s4-spider zynqmp-zcu102 \
               amd-seattle
BOARD_DTBS  := $(patsubst %,$(BUILD)/boards/%.dtb,$(BOARD_NAMES))
BOARD_BLOBS := $(BUILD)/gen/boards/board_blobs.c
GEN_SRCS    += $(BOARD_BLOBS) boards/boards.c

# dtc flags 'ranges' on a node without a unit address; an unnamed /soc
# bus with 'ranges' is the layout of the mainline R-Car trees and ours.
DTC_BOARD_FLAGS := -Wno-unit_address_vs_reg

$(BUILD)/boards/%.dtb: boards/%.dts
	@mkdir -p $(@D)
	dtc $(DTC_BOARD_FLAGS) -I dts -O dtb -o $@ $<

$(BOARD_BLOBS): $(BOARD_DTBS) boards/dtb2c.sh
	@mkdir -p $(@D)
	boards/dtb2c.sh $@ $(BOARD_DTBS)

# --- Unit tests of the boards (embedded blobs, our dt code) ----------------
TESTS += test_boards
test_boards_SRCS := tests/boards/test_boards.c

# --- iommu-sim -------------------------------------------------------------
TOOLS += iommu-sim
iommu-sim_SRCS := tools/iommu-sim/main.c tools/iommu-sim/cmd_dt.c \
                  tools/iommu-sim/cmd_boards.c tools/iommu-sim/dt_report.c

# Scenario tests of the asan build of the tool: every board, corrupted
# blobs, exit codes, text and JSON.
TEST_STEPS += test-iommu-sim-dt
test-iommu-sim-dt: $(BUILD)/asan/bin/iommu-sim $(BOARD_DTBS)
	@tests/boards/iommu-sim-dt.sh $(BUILD)/asan/bin/iommu-sim $(BUILD)

# --- Real device trees (linux-source-6.12) ---------------------------------
# test_real_dtbs with no argument checks the built-in boards (a unit test,
# also under qemu-aarch64); given a directory it checks every DTB in it.
TESTS += test_real_dtbs
test_real_dtbs_SRCS := tests/real-dtbs/test_real_dtbs.c

TEST_STEPS += test-real-dtbs
test-real-dtbs: $(BUILD)/asan/bin/test_real_dtbs $(BUILD)/asan/bin/iommu-sim
	@scripts/real-dtbs.sh $(BUILD)
	@tests/real-dtbs/run.sh $(BUILD)/asan/bin/test_real_dtbs \
	    $(BUILD)/real-dtbs $(BUILD)/asan/bin/iommu-sim

# --- Benchmark -------------------------------------------------------------
BENCHES += bench_dt
bench_dt_SRCS := bench/dt/bench_dt.c bench/common/bench_report.c \
                 bench/common/bench_fdt.c
