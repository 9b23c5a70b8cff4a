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
scenario_begin "iommu-sim shared SMMU entries" "$3" "$sim"

cfg=$here

# Refused before booting: status 2, one line naming the entry, no boot.
expect_split()
{
    local name=$1 pattern=$2 lines
    expect_rc "$name" 2
    expect_clean "$name"
    lines=$(wc -l <"$work/$name.err")
    if [[ $lines -eq 1 ]]; then pass; else
        fail "$name: $lines lines on stderr, expected 1"
    fi
    expect_err "$name" '^iommu-sim: run: stream match entry split across domains: '
    expect_err "$name" "$pattern"
    expect_err "$name" 'must be passed through together, to one domain'
    if grep -q '== boot' "$work/$name.out"; then
        fail "$name: booted despite the split"
    else
        pass
    fi
}

expect_whole()
{
    local name=$1
    expect_rc "$name" 0
    expect_clean "$name"
    expect_out "$name" '^[0-9]+ checks: [0-9]+ passed, 0 failed$'
    if grep -q '\[FAILED\]' "$work/$name.out"; then
        fail "$name: a check failed"
    else
        pass
    fi
}

# --- run: splits refused before booting --------------------------------------
# One stream ID for two masters (#iommu-cells 1).
run guest_dom0 run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg"
expect_split guest_dom0 \
    "stream 0x30 mask 0x0 of /soc/iommu@fd800000 is one stream match entry shared by /soc/gpu@ff030000 \(guest 'ga'\), /soc/vpu@ff040000 \(dom0\): "

run two_guests run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-other.cfg"
expect_split two_guests \
    "/soc/gpu@ff030000 \(guest 'ga'\), /soc/vpu@ff040000 \(guest 'gb'\): "

# A stream inside a wider entry (#iommu-cells 2): the entry is the wider.
run covered run --dtb "$dtb" --config "$cfg/shared-sme-covered.cfg"
expect_split covered \
    "stream 0x100 mask 0xff of /soc/iommu@fd900000 is one stream match entry shared by /soc/ethernet@ff0e0000 \(dom0\), /soc/crypto@ff0f0000 \(guest 'gc'\): "

# The legacy binding.
run legacy run --dtb "$dtb" --config "$cfg/shared-sme-legacy.cfg"
expect_split legacy \
    "stream 0x200 mask 0x0 of /soc/iommu@e0600000 is one stream match entry shared by /soc/ethernet@e0700000 \(guest 'gl'\), /soc/ethernet@e0900000 \(dom0\): "

# Two split entries: the first, and how many more.
run two_splits run --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-covered.cfg"
expect_split two_splits "/soc/vpu@ff040000 \(dom0\): .* \(and 1 more split entries\)$"

# The default guest takes the tree's first two masters (dma, gpu): the
# GPU's partner stays with dom0.
run default_guest run --dtb "$dtb"
expect_split default_guest \
    "/soc/gpu@ff030000 \(guest 'domU'\), /soc/vpu@ff040000 \(dom0\): "

# --- run: whole groups boot and move bytes -----------------------------------
run whole run --dtb "$dtb" --config "$cfg/shared-sme-whole.cfg"
expect_whole whole
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
    expect_whole "$board"
done

scenario_end
