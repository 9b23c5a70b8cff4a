#!/usr/bin/env bash
# Scenario tests of 'iommu-sim run' (the sanitizer build): the default
# scenario and every built-in board must pass every check (status 0);
# guest configurations, good and bad, must give the documented output and
# status (docs/iommu-sim-run.md): 0 all checks passed, 1 a check failed,
# 2 bad input with one message naming the problem.  Results go to
# $TEST_SUMMARY as "passed N" / "failed N".
#
#   run-scenarios.sh IOMMU_SIM WORK_DIR
set -uo pipefail

sim=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
scenario_begin "iommu-sim run scenarios" "$2" "$sim" run

# A passing run: status 0, every check ok, the steps that matter seen.
expect_pass()
{
    local name=$1
    expect_rc "$name" 0
    expect_clean "$name"
    expect_out "$name" '^[0-9]+ checks: [0-9]+ passed, 0 failed$'
    expect_out "$name" '\[ok\] [0-9]+ of [0-9]+ IPMMUs up'
    expect_out "$name" 'DMA to PA 0x48000000 blocked'
    expect_out "$name" 'land in d1.s pages'
    expect_out "$name" 'DMA outside d1.s memory .* translation fault'
    expect_out "$name" 'IPMMU: .*context [0-9]+: translation fault \(TF\) .*: d1 \('
    expect_out "$name" 'DMA to the unmapped page now faults'
    expect_out "$name" 'all guest memory returned'
    expect_out "$name" 'back in quarantine'
    expect_out "$name" 'every page of RAM free'
    if grep -q '\[FAILED\]' "$work/$name.out"; then
        fail "$name: a check failed"
    else
        pass
    fi
}

# Bad input: status 2, the reason on stderr, no summary.
expect_bad()
{
    local name=$1 pattern=$2
    expect_rc "$name" 2
    expect_clean "$name"
    expect_err "$name" "$pattern"
    if grep -q '^== summary' "$work/$name.out"; then
        fail "$name: a summary after bad input"
    else
        pass
    fi
}

# --- The default scenario and every built-in board ------------------------
run default
expect_pass default
expect_out default '^iommu-sim run: h3-salvator-xs, 1 guest$'
expect_out default '/soc/mmc@ee140000 assigned to d1'
expect_out default '/soc/sata@ee300000 assigned to d1'
expect_out default '\[ok\] 17 of 17 IPMMUs up'

for board in h3-salvator-xs m3n-salvator-xs s4-spider; do
    run "board-$board" --board "$board"
    expect_pass "board-$board"
done
expect_out board-s4-spider '/soc/dma-controller@e7351000 ch15: .* land in'
expect_out board-m3n-salvator-xs '\[ok\] 10 of 10 IPMMUs up'

# --- Guest configurations --------------------------------------------------
run two-guests --config "$here/two-guests-a.cfg" \
               --config "$here/two-guests-b.cfg"
expect_pass two-guests
expect_out two-guests 'd2 \(net\): 64 MiB'
expect_out two-guests "note: 'vcpus' is not simulated"
expect_out two-guests '/soc/ethernet@e6800000 ch0: .* land in d2.s pages'

# Six guests + dom0 need seven contexts; an H3 has six to give.
args=()
for i in 1 2 3 4 5 6; do args+=(--config "$here/many-g$i.cfg"); done
run many "${args[@]}"
expect_rc many 1
expect_clean many
expect_out many 'no free context for d6'
expect_out many '\[FAILED\] /soc/ethernet@e6800000 assigned to d6'
expect_out many '^== summary'

# --- Bad input ---------------------------------------------------------------
run unknown-path --config "$here/bad-unknown-path.cfg"
expect_bad unknown-path 'dtdev "/soc/mmc@deadbeef": no such node'
run no-iommu --config "$here/bad-no-iommu.cfg"
expect_bad no-iommu 'interrupt-controller@f1010000" is not behind an IOMMU'
run same-device --config "$here/two-guests-a.cfg" \
                --config "$here/bad-same-device.cfg"
expect_bad same-device \
    'guest .thief.: dtdev "/soc/sata@ee300000" is already assigned to guest .storage.'
run memory --config "$here/bad-memory.cfg"
expect_bad memory "guest 'huge': memory = 65536 MiB does not fit"
run syntax --config "$here/bad-syntax.cfg"
expect_bad syntax 'bad-syntax.cfg:[0-9]+: list not closed'
run memory-type --config "$here/bad-memory-type.cfg"
expect_bad memory-type "bad-memory-type.cfg:2: 'memory' must be a number"
run missing-config --config "$work/does-not-exist.cfg"
expect_bad missing-config 'does-not-exist.cfg: cannot open'
run unknown-board --board no-such-board
expect_bad unknown-board "no built-in board 'no-such-board'"
run bad-option --frobnicate
expect_bad bad-option "unknown argument '--frobnicate'"
head -c 4000 /dev/urandom >"$work/garbage.dtb"
run garbage-dtb --dtb "$work/garbage.dtb"
expect_bad garbage-dtb 'garbage.dtb: malformed device tree'

# --- A valid tree the driver refuses: H3 ES2.0 --------------------------------
if command -v dtc >/dev/null && command -v fdtput >/dev/null; then
    "$sim" dt --board h3-salvator-xs >/dev/null 2>&1
    dtb=$work/h3-es2.dtb
    if "$sim" run --help >/dev/null 2>&1 &&
       dtc -q -I dts -O dtb -o "$dtb" "$here/../../boards/h3-salvator-xs.dts" &&
       fdtput -t x "$dtb" /soc/chipid@fff00044 renesas,prr-value 4f10; then
        run h3-es2 --dtb "$dtb"
        expect_rc h3-es2 1
        expect_clean h3-es2
        expect_out h3-es2 'R-Car H3 cut 0x10 \(PRR 0x4f10\)'
        expect_out h3-es2 'IPMMU: driver disabled'
        expect_out h3-es2 '\[FAILED\] 0 of 17 IPMMUs up'
    else
        fail "h3-es2: cannot build the patched tree"
    fi
fi

# --- Mainline device trees (when the real-DTB step has built them) ---------
real=$(dirname "$work")/real-dtbs
if [[ -d $real ]]; then
    for t in r8a77951-salvator-xs r8a77961-salvator-xs r8a77965-salvator-xs \
             r8a779f0-spider r8a779g0-white-hawk; do
        [[ -f $real/$t.dtb ]] || continue
        run "real-$t" --dtb "$real/$t.dtb"
        expect_pass "real-$t"
    done
    # M3-W ES1.x: its IPMMU cannot walk stage-2 tables.
    if [[ -f $real/r8a77960-salvator-xs.dtb ]]; then
        run real-m3w --dtb "$real/r8a77960-salvator-xs.dtb"
        expect_rc real-m3w 1
        expect_clean real-m3w
        expect_out real-m3w 'M3-W/M3-W\+ cut 0x10 \(PRR 0x5210\)'
    fi
fi

scenario_end
