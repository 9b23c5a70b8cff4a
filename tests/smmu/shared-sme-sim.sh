#!/usr/bin/env bash
# iommu-sim and Arm SMMU masters whose streams share one stream match
# entry, on tests/smmu/smmu-shared-sim.dts: 'run' refuses before booting
# a configuration that splits such a group (between a guest and dom0, or
# two guests; an identical stream, a stream a wider entry covers, a
# legacy mmu-masters stream) with one line naming the guest, the devices
# and the entry, status 2; it boots one that keeps every group whole, and
# the built-in SMMU boards (no shared entries) as before.  Results go to
# $TEST_SUMMARY as "passed N" / "failed N".
#
#   shared-sme-sim.sh IOMMU_SIM DTB WORK_DIR
set -uo pipefail

sim=$1
dtb=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
# shellcheck source=../lib/port-groups.sh
. "$here/../lib/port-groups.sh"
scenario_begin "iommu-sim shared SMMU entries" "$3" "$sim"

cfg=$here

# --- run: splits refused before booting --------------------------------------
# One stream ID for two masters (#iommu-cells 1).
run guest_dom0 run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg"
expect_refused_before_boot guest_dom0 'stream match entry' \
    "stream 0x30 mask 0x0 of /soc/iommu@fd800000 is one stream match entry shared by /soc/gpu@ff030000 \(guest 'ga'\), /soc/vpu@ff040000 \(dom0\): "

run two_guests run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-other.cfg"
expect_refused_before_boot two_guests 'stream match entry' \
    "/soc/gpu@ff030000 \(guest 'ga'\), /soc/vpu@ff040000 \(guest 'gb'\): "

# A stream inside a wider entry (#iommu-cells 2): the entry is the wider.
run covered run --dtb "$dtb" --config "$cfg/shared-sme-covered.cfg"
expect_refused_before_boot covered 'stream match entry' \
    "stream 0x100 mask 0xff of /soc/iommu@fd900000 is one stream match entry shared by /soc/ethernet@ff0e0000 \(dom0\), /soc/crypto@ff0f0000 \(guest 'gc'\): "

# The legacy binding.
run legacy run --dtb "$dtb" --config "$cfg/shared-sme-legacy.cfg"
expect_refused_before_boot legacy 'stream match entry' \
    "stream 0x200 mask 0x0 of /soc/iommu@e0600000 is one stream match entry shared by /soc/ethernet@e0700000 \(guest 'gl'\), /soc/ethernet@e0900000 \(dom0\): "

# Two split entries: the first, and how many more.
run two_splits run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-covered.cfg"
expect_refused_before_boot two_splits 'stream match entry' "/soc/vpu@ff040000 \(dom0\): .* \(and 1 more split entries\)$"

# The default guest takes the tree's first two masters (dma, gpu): the
# GPU's partner stays with dom0.
run default_guest run --dtb "$dtb"
expect_refused_before_boot default_guest 'stream match entry' \
    "/soc/gpu@ff030000 \(guest 'domU'\), /soc/vpu@ff040000 \(dom0\): "

# --- run: whole groups boot and move bytes -----------------------------------
run whole run --dtb "$dtb" --config "$cfg/shared-sme-whole.cfg"
expect_boots_whole whole
for dev in /soc/gpu@ff030000 /soc/vpu@ff040000 /soc/ethernet@ff0e0000 \
           /soc/crypto@ff0f0000 /soc/ethernet@e0700000 \
           /soc/ethernet@e0900000 /soc/sata@fd0c0000; do
    expect_out whole "^  \[ok\] $dev ch0: 8192 bytes .* land in d1.s pages"
done
# dom0 keeps the master with an entry of its own.
expect_out whole "^  \[ok\] /soc/dma@ff000000 ch0: 8192 bytes .* land in d0.s pages"

# --- the built-in SMMU boards have no shared entry: they boot as before -------
for board in zynqmp-zcu102 amd-seattle; do
    run "$board" run --board "$board"
    expect_boots_whole "$board"
done

scenario_end
