#!/usr/bin/env bash
# 'iommu-sim' on the Arm SMMU boards (the sanitizer build): 'run' on the
# ZCU102 (MMU-500, generic iommus binding) and on Seattle (two MMU-401s,
# legacy mmu-masters) passes every check the SMMU issue asks for (boot,
# probe, blocked streams, dom0, passthrough, DMA into the guest's pages,
# a fault outside the P2M reported with address and stream, unmap then
# fault, every page back); guests from configs; iommu=no-quarantine;
# 'dt' (text, JSON, dot), 'check'; and the IPMMU board unchanged.
#
#   run-smmu.sh IOMMU_SIM WORK_DIR
set -uo pipefail

sim=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
scenario_begin "iommu-sim on SMMU boards" "$2" "$sim"

# A passing run on an SMMU board: every check the issue lists.
expect_smmu_pass()
{
    local name=$1
    expect_rc "$name" 0
    expect_clean "$name"
    expect_out "$name" '^[0-9]+ checks: [0-9]+ passed, 0 failed$'
    expect_out "$name" '\[ok\] ([0-9]+) of \1 SMMUs up'
    expect_out "$name" 'DMA to PA 0x48000000 blocked \(invalid context fault \(S2CR fault\), stream 0x[0-9a-f]+, no context bank\)'
    expect_out "$name" 'the driver reported the blocked DMA on stream'
    expect_out "$name" "land in d1's pages"
    expect_out "$name" 'SMMU: .*context bank [0-9]+: translation fault \(TF\) on write at address 0x[0-9a-f]+, stream'
    expect_out "$name" "DMA outside d1's memory \(IPA (0x[0-9a-f]+)\): translation fault at \1"
    expect_out "$name" 'the driver.s report names d1 \(.*\), the reason, the address and stream'
    expect_out "$name" 'the handler cleared FSR of context bank [0-9]+'
    expect_out "$name" 'the driver counted 1 fault\(s\) of d1; .* recorded 1 in context bank'
    expect_out "$name" 'unmapped: [1-9][0-9]* TLB invalidation\(s\) on '
    expect_out "$name" 'DMA to the unmapped page now faults \(translation fault\)'
    expect_out "$name" 'all guest memory returned'
    expect_out "$name" 'guest contexts freed \([0-9]+ context banks enabled in the SMMUs\)'
    expect_out "$name" 'back in quarantine \(DMA invalid context fault'
    expect_out "$name" 'SMMUs shut down: every page of RAM free'
    if grep -q '\[FAILED\]' "$work/$name.out"; then
        fail "$name: a check failed"
    else
        pass
    fi
}

# --- run on the boards --------------------------------------------------------
run zcu102 run --board zynqmp-zcu102
expect_smmu_pass zcu102
expect_out zcu102 '1 SMMUs, 16 bus masters behind them'
expect_out zcu102 '/axi/ahci@fd0c0000 ch3: 8192 bytes .* land in d1.s pages'
expect_out zcu102 "/axi/dma-controller@fd500000 ch0: .* land in d0's pages"

run seattle run --board amd-seattle
expect_smmu_pass seattle
expect_out seattle '0 IPMMUs, 2 SMMUs, 2 bus masters behind them'
expect_out seattle '/smb/xgmac@e0900000 ch15: .* land in d1.s pages'
expect_out seattle 'd1 \(domU\) uses context bank 0'

# --- guests from configurations ----------------------------------------------
run zcu-two run --board zynqmp-zcu102 --config "$here/smmu-zcu-storage.cfg" \
                --config "$here/smmu-zcu-net.cfg"
expect_rc zcu-two 0
expect_clean zcu-two
expect_out zcu-two '^[0-9]+ checks: [0-9]+ passed, 0 failed$'
expect_out zcu-two "/axi/ethernet@ff0e0000 ch0: .* land in d2's pages"
expect_out zcu-two 'd2 \(net\) uses context bank'

run seattle-cfg run --board amd-seattle --config "$here/smmu-seattle-net.cfg"
expect_smmu_pass seattle-cfg
expect_out seattle-cfg '1 device assigned'

run zcu-noq run --board zynqmp-zcu102 --xen-cmdline iommu=no-quarantine
expect_rc zcu-noq 0
expect_clean zcu-noq
expect_out zcu-noq 'stream 0x871 has no match entry \(DMA from PA 0x48000000: unidentified stream fault\)'

run zcu-gic run --board zynqmp-zcu102 --config "$here/smmu-zcu-gic.cfg"
expect_rc zcu-gic 2
expect_err zcu-gic 'interrupt-controller@f9010000" is not behind an IOMMU'

# --- dt, check, dot ----------------------------------------------------------
run zcu-dt dt --board zynqmp-zcu102
expect_rc zcu-dt 0
expect_out zcu-dt '^SMMUs:$'
expect_out zcu-dt '^  /axi/iommu@fd800000 +0xfd800000 size 0x20000 +MMU-500 v2 arm,mmu-500 iommus irqs 17 \(1 global\)$'
expect_out zcu-dt '^    iommus    /axi/iommu@fd800000 stream 0x4c0-0x4c3$'
expect_out zcu-dt '^driver: binds all 1 SMMUs$'
if grep -q 'utlb' "$work/zcu-dt.out"; then fail "zcu-dt: uTLBs on an SMMU tree"; else pass; fi

run seattle-dt dt --board amd-seattle
expect_out seattle-dt '^    mmu-masters /smb/smmu@e0600000 stream 0x0-0x7$'
expect_out seattle-dt '^    mmu-masters /smb/smmu@e0600000 stream 0x10-0x17$'
expect_out seattle-dt 'MMU-401 v1 arm,mmu-401 mmu-masters irqs 2 \(1 global\)'

run zcu-json dt --json --board zynqmp-zcu102
expect_rc zcu-json 0
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$work/zcu-json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["smmus"]) == 1 and d["smmus"][0]["model"] == "MMU-500"
ahci = [m for m in d["masters"] if m["path"] == "/axi/ahci@fd0c0000"][0]
assert [r["stream"] for r in ahci["iommus"]] == [0x4c0, 0x4c1, 0x4c2, 0x4c3]
assert all(r["smmu"] == "/axi/iommu@fd800000" for r in ahci["iommus"])
assert d["driver"]["binds"] is True and d["driver"]["smmus_up"] == 1
PY
    then pass; else fail "zcu-json: the JSON does not say what the tree says"; fi
fi

run seattle-check check --board amd-seattle --config "$here/smmu-seattle-net.cfg"
expect_rc seattle-check 0
expect_out seattle-check '^context banks: /smb/smmu@e0600000: 1 of 8$'
expect_out seattle-check '^context banks: /smb/smmu@e0800000: 1 of 8$'
expect_out seattle-check '^check: amd-seattle: ok \(1 guest\)$'

run zcu-check-bad check --board zynqmp-zcu102 --config "$here/smmu-zcu-gic.cfg"
expect_rc zcu-check-bad 1
expect_out zcu-check-bad 'is not behind an IOMMU'

run zcu-dot dt --format dot --board zynqmp-zcu102 \
              --config "$here/smmu-zcu-storage.cfg"
expect_rc zcu-dot 0
expect_out zcu-dot 'label="stream 0x4c0-0x4c3"'
expect_out zcu-dot 'label="/axi/ahci@fd0c0000\\nguest storage"'
if command -v dot >/dev/null 2>&1; then
    if dot -Tsvg "$work/zcu-dot.out" -o "$work/zcu-dot.svg" 2>/dev/null; then
        pass
    else
        fail "zcu-dot: Graphviz cannot render it"
    fi
fi

# --- the IPMMU board as before -----------------------------------------------
run h3-dt dt --board h3-salvator-xs
expect_out h3-dt '^h3-salvator-xs: [0-9]+ nodes, 17 IPMMUs, 22 masters$'
if grep -qE 'SMMU|stream' "$work/h3-dt.out"; then
    fail "h3-dt: SMMU lines on an IPMMU tree"
else
    pass
fi

scenario_end
