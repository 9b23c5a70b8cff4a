# shellcheck shell=bash disable=SC2154  # $work comes from scenario.sh
# Checks shared by the port-group scenario tests (sourced after
# scenario.sh, not run): tests/ipmmu/shared-utlb-sim.sh (uTLBs) and
# tests/smmu/shared-sme-sim.sh (SMMU stream match entries).
#
#   expect_refused_before_boot NAME GROUP PATTERN
#       'run' refused a split group before booting: status 2, no
#       sanitizer report, exactly one line on stderr, "iommu-sim: run:
#       GROUP split across domains: ..." matching PATTERN and stating
#       the rule, and no boot on stdout.
#   expect_boots_whole NAME
#       'run' booted and every check passed (status 0, no sanitizer
#       report, the summary with 0 failed, no [FAILED] line).
#   expect_check_split NAME GROUP PATTERN
#       'check' found problems (status 1) and one of them is a split
#       GROUP line matching PATTERN.
#   expect_check_whole NAME
#       'check' passed one guest (status 0, its "ok" line) and reported
#       no split.

expect_refused_before_boot()
{
    local name=$1 group=$2 pattern=$3 lines
    expect_rc "$name" 2
    expect_clean "$name"
    lines=$(wc -l <"$work/$name.err")
    if [[ $lines -eq 1 ]]; then pass; else
        fail "$name: $lines lines on stderr, expected 1"
    fi
    expect_err "$name" "^iommu-sim: run: $group split across domains: "
    expect_err "$name" "$pattern"
    expect_err "$name" 'must be passed through together, to one domain'
    if grep -q '== boot' "$work/$name.out"; then
        fail "$name: booted despite the split"
    else
        pass
    fi
}

expect_boots_whole()
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

expect_check_split()
{
    local name=$1 group=$2 pattern=$3
    expect_rc "$name" 1
    expect_clean "$name"
    expect_out "$name" "^$group split across domains: .*$pattern.*: .*must be passed through together, to one domain$"
    expect_out "$name" '^check: .*: [1-9][0-9]* problems?$'
}

expect_check_whole()
{
    local name=$1
    expect_rc "$name" 0
    expect_out "$name" '^check: .*: ok \(1 guest\)$'
    if grep -q 'split across' "$work/$name.out"; then
        fail "$name: a whole group reported split"
    else
        pass
    fi
}
