# Built-in boards, the real R-Car device trees, the ipmmu-sim tool and the
# device-tree benchmark.  See docs/boards.md and docs/ipmmu-sim.md.

# --- Built-in boards: boards/NAME.dts -> build/boards/NAME.dtb -> C --------
# Every program links the blobs and boards/boards.c (GEN_SRCS is part of
# the core), so any test or tool can boot a board with board_find().
BOARD_NAMES := h3-salvator-xs m3n-salvator-xs s4-spider
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
