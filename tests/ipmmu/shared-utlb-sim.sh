#!/usr/bin/env bash
# iommu-sim and masters behind one uTLB, on the Gen3 and Gen4 test trees
# (tests/ipmmu/shared-utlb-gen*.dts): 'dt' lists the shared uTLBs (text
# and JSON), 'run' refuses before booting a configuration that splits a
# group (between two guests, or between a guest and dom0) with one line
# naming the group (tests/lib/port-groups.sh), and runs one that keeps
# each group whole; 'check' reports the split as a problem.  Results go
# to $TEST_SUMMARY as "passed N" / "failed N".
#
#   shared-utlb-sim.sh IOMMU_SIM DTB_DIR WORK_DIR
set -uo pipefail

sim=$1
dtbs=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
# shellcheck source=../lib/port-groups.sh
. "$here/../lib/port-groups.sh"
scenario_begin "iommu-sim shared uTLBs" "$3" "$sim"

gen3=$dtbs/shared-utlb-gen3.dtb
gen4=$dtbs/shared-utlb-gen4.dtb
cfg=$here

# --- dt: the groups, text and JSON ------------------------------------------
run dt3 dt "$gen3"
expect_rc dt3 0
expect_out dt3 '^shared uTLBs \(one port each'
expect_out dt3 '^  /soc/iommu@e7740000 utlb 32: /soc/mmc@ee100000, /soc/mmc@ee120000$'
# The disabled SDHI3 names uTLB 32 too but does not count.
if grep -q 'utlb 32: .*ee160000' "$work/dt3.out"; then
    fail "dt3: a disabled master counted in a group"
else
    pass
fi

run dt4 dt "$gen4"
expect_rc dt4 0
expect_out dt4 '^  /soc/iommu@eed00000 utlb 40: /soc/dma-controller@e7351000, /soc/mmc@ee140000, /soc/ethernet@e6880000$'

run dt4_json dt --json "$gen4"
expect_rc dt4_json 0
expect_out dt4_json '"shared_utlbs": \['
expect_out dt4_json '\{"ipmmu": "/soc/iommu@eed00000", "utlb": 40, "masters": \["/soc/dma-controller@e7351000", "/soc/mmc@ee140000", "/soc/ethernet@e6880000"\]\}'
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$work/dt4_json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = d["shared_utlbs"]
assert len(g) == 1 and g[0]["utlb"] == 40 and len(g[0]["masters"]) == 3
PY
    then pass; else fail "dt4_json: not the expected JSON"; fi
fi

# A built-in board has none.
run dt_h3 dt --board h3-salvator-xs
expect_out dt_h3 '^shared uTLBs: none$'
run dt_h3_json dt --json --board h3-salvator-xs
expect_out dt_h3_json '"shared_utlbs": \[\]'

# --- run: splits refused before booting --------------------------------------
run gen3_guest_dom0 run --dtb "$gen3" --config "$cfg/shared-gen3-one.cfg"
expect_refused_before_boot gen3_guest_dom0 'uTLB group' \
    "uTLB 32 of /soc/iommu@e7740000 .*/soc/mmc@ee100000 \(guest 'ga'\), /soc/mmc@ee120000 \(dom0\)"

run gen3_two_guests run --dtb "$gen3" --config "$cfg/shared-gen3-one.cfg" \
    --config "$cfg/shared-gen3-other.cfg"
expect_refused_before_boot gen3_two_guests 'uTLB group' \
    "/soc/mmc@ee100000 \(guest 'ga'\), /soc/mmc@ee120000 \(guest 'gb'\)"

run gen4_guest_dom0 run --dtb "$gen4" --config "$cfg/shared-gen4-part.cfg"
expect_refused_before_boot gen4_guest_dom0 'uTLB group' \
    "uTLB 40 of /soc/iommu@eed00000 .*/soc/dma-controller@e7351000 \(dom0\)"

# --- check: the same splits, one problem line each ---------------------------
run check_gen3 check --dtb "$gen3" --config "$cfg/shared-gen3-one.cfg" \
    --config "$cfg/shared-gen3-other.cfg"
expect_check_split check_gen3 'uTLB group' \
    "uTLB 32 of /soc/iommu@e7740000 is one port shared by /soc/mmc@ee100000 \(guest 'ga' of [^)]*shared-gen3-one.cfg\), /soc/mmc@ee120000 \(guest 'gb' of [^)]*shared-gen3-other.cfg\)"
run check_gen3_whole check --dtb "$gen3" --config "$cfg/shared-gen3-both.cfg"
expect_check_whole check_gen3_whole

# --- run: whole groups boot and move bytes -----------------------------------
run gen3_whole run --dtb "$gen3" --config "$cfg/shared-gen3-both.cfg"
expect_boots_whole gen3_whole
expect_out gen3_whole '/soc/mmc@ee100000 ch0: 8192 bytes .* land in d1.s pages'
expect_out gen3_whole '/soc/mmc@ee120000 ch0: 8192 bytes .* land in d1.s pages'

run gen4_whole run --dtb "$gen4" --config "$cfg/shared-gen4-all.cfg"
expect_boots_whole gen4_whole
expect_out gen4_whole '/soc/dma-controller@e7351000 ch1: 8192 bytes .* land in d1.s pages'
expect_out gen4_whole '/soc/ethernet@e6880000 ch0: 8192 bytes .* land in d1.s pages'

scenario_end
