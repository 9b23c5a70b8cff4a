#!/usr/bin/env bash
# iommu-sim and Arm SMMU masters whose streams share one stream match
# entry, on tests/smmu/smmu-shared-sim.dts: 'run' refuses before booting
# a configuration that splits such a group (between a guest and dom0, or
# two guests; an identical stream, a stream a wider entry covers, a
# legacy mmu-masters stream) with one line naming the guest, the devices
# and the entry, status 2; it boots one that keeps every group whole, and
# the built-in SMMU boards (no shared entries) as before.  'dt' lists the
# shared entries (text and JSON) and 'check' reports a split one as a
# problem naming the entry, the devices and the guests; 'dt --format
# dot' draws the shared streams filled red.  Results go to
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

# --- dt: the shared entries, text and JSON ------------------------------------
run dt dt "$dtb"
expect_rc dt 0
expect_clean dt
expect_out dt '^shared stream match entries \(one entry each: pass its masters through together, to one domain\):$'
expect_out dt '^  /soc/iommu@e0600000 stream 0x200 mask 0x0: /soc/ethernet@e0700000, /soc/ethernet@e0900000$'
expect_out dt '^  /soc/iommu@fd800000 stream 0x30 mask 0x0: /soc/gpu@ff030000, /soc/vpu@ff040000$'
expect_out dt '^  /soc/iommu@fd900000 stream 0x100 mask 0xff: /soc/ethernet@ff0e0000, /soc/crypto@ff0f0000$'
# Three entries, no more: dma (0x10) and sata (0x5) have their own.
if [[ $(grep -c '^  /soc/iommu@.* stream 0x[0-9a-f]* mask 0x[0-9a-f]*: ' "$work/dt.out") -eq 3 ]]
then pass; else fail "dt: not exactly three shared entries"; fi
# An SMMU-only tree has no uTLB section.
if grep -q '^shared uTLBs' "$work/dt.out"; then
    fail "dt: a uTLB section on an SMMU-only tree"
else
    pass
fi

run dt_json dt --json "$dtb"
expect_rc dt_json 0
expect_out dt_json '"shared_stream_match_entries": \['
expect_out dt_json '\{"smmu": "/soc/iommu@fd900000", "stream": 256, "mask": 255, "masters": \["/soc/ethernet@ff0e0000", "/soc/crypto@ff0f0000"\]\}'
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$work/dt_json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = d["shared_stream_match_entries"]
got = sorted((e["smmu"], e["stream"], e["mask"], tuple(e["masters"])) for e in g)
assert got == [
    ("/soc/iommu@e0600000", 0x200, 0,
     ("/soc/ethernet@e0700000", "/soc/ethernet@e0900000")),
    ("/soc/iommu@fd800000", 0x30, 0,
     ("/soc/gpu@ff030000", "/soc/vpu@ff040000")),
    ("/soc/iommu@fd900000", 0x100, 0xff,
     ("/soc/ethernet@ff0e0000", "/soc/crypto@ff0f0000")),
], got
assert d["shared_utlbs"] == []
PY
    then pass; else fail "dt_json: not the expected JSON"; fi
fi

# A built-in SMMU board has none; an IPMMU board says nothing of them.
run dt_zcu dt --board zynqmp-zcu102
expect_out dt_zcu '^shared stream match entries: none$'
run dt_zcu_json dt --json --board zynqmp-zcu102
expect_out dt_zcu_json '"shared_stream_match_entries": \[\]'
run dt_h3 dt --board h3-salvator-xs
run dt_h3_json dt --json --board h3-salvator-xs
if grep -q 'stream match entr' "$work/dt_h3.out" "$work/dt_h3_json.out"; then
    fail "dt_h3: stream match entries listed for a tree without SMMU"
else
    pass
fi

# --- dt --format dot: shared streams drawn filled red, the others not --------
run dot dt --format dot "$dtb"
expect_rc dot 0
expect_clean dot
shared_fill='", style=filled, fillcolor="#ff4040", penwidth=3\]'
expect_out dot "label=\"stream 0x30$shared_fill"
expect_out dot "label=\"stream 0x200$shared_fill"
expect_out dot "label=\"stream 0x100 mask 0xff$shared_fill"
expect_out dot "label=\"stream 0x120 mask 0x0$shared_fill"
# dma (0x10) and sata (0x5) have their own entries.
for own in 'stream 0x10"' 'stream 0x5 mask 0x0"'; do
    if grep -qF "label=\"$own]" "$work/dot.out"; then pass; else
        fail "dot: $own not drawn as an entry of its own"
    fi
done

# --- check: split entries reported, whole ones not ---------------------------
run check_one check --dtb "$dtb" --config "$cfg/shared-sme-one.cfg"
expect_check_split check_one 'stream match entry' \
    "stream 0x30 mask 0x0 of /soc/iommu@fd800000 is one stream match entry shared by /soc/gpu@ff030000 \(guest 'ga' of [^)]*shared-sme-one.cfg\), /soc/vpu@ff040000 \(dom0\)"

run check_two check --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-other.cfg"
expect_check_split check_two 'stream match entry' \
    "/soc/gpu@ff030000 \(guest 'ga' of [^)]*\), /soc/vpu@ff040000 \(guest 'gb' of [^)]*shared-sme-other.cfg\)"

run check_covered check --dtb "$dtb" --config "$cfg/shared-sme-covered.cfg"
expect_check_split check_covered 'stream match entry' \
    "stream 0x100 mask 0xff of /soc/iommu@fd900000 is one stream match entry shared by /soc/ethernet@ff0e0000 \(dom0\), /soc/crypto@ff0f0000 \(guest 'gc' of [^)]*\)"

run check_legacy check --dtb "$dtb" --config "$cfg/shared-sme-legacy.cfg"
expect_check_split check_legacy 'stream match entry' \
    "stream 0x200 mask 0x0 of /soc/iommu@e0600000 is one stream match entry shared by /soc/ethernet@e0700000 \(guest 'gl' of [^)]*\), /soc/ethernet@e0900000 \(dom0\)"

# Two splits: two problem lines.
run check_both check --dtb "$dtb" --config "$cfg/shared-sme-one.cfg" \
    --config "$cfg/shared-sme-covered.cfg"
expect_rc check_both 1
if [[ $(grep -c '^stream match entry split across domains: ' "$work/check_both.out") -eq 2 ]]
then pass; else fail "check_both: not two split lines"; fi

run check_whole check --dtb "$dtb" --config "$cfg/shared-sme-whole.cfg"
expect_check_whole check_whole

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
