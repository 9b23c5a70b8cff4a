#!/usr/bin/env bash
# Every iommu-sim command behind the one door for device trees:
#  - each hostile tree of tests/sim/hostile_blobs.c (written by
#    mk_hostile) given to dt, run, run --config and check ends with
#    status 2 and one line on stderr naming the file, the node and the
#    reason, with no sanitizer report;
#  - the exit-status table of docs/iommu-sim.md, row by row, for every
#    command;
#  - check and dt --format dot on the built-in boards and, when the
#    real-DTB step has compiled them, on the mainline trees.
# A hang is caught by 'timeout' (a guard, not a speed check).
#
#   iommu-sim-door.sh IOMMU_SIM MK_HOSTILE BUILD_DIR
set -uo pipefail

sim=$1
mk_hostile=$2
build=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
scenario_begin iommu-sim-door "$build/test-logs/iommu-sim-door" \
    timeout 120 "$sim"

# Status 2, exactly one line on stderr matching every pattern, clean.
expect_refused()
{
    local name=$1; shift
    local lines p
    expect_rc "$name" 2
    expect_clean "$name"
    lines=$(wc -l <"$work/$name.err")
    if [[ $lines -eq 1 ]]; then pass; else
        fail "$name: $lines lines on stderr: $(head -c 400 "$work/$name.err")"
    fi
    for p in "$@"; do
        if grep -qF -- "$p" "$work/$name.err"; then pass; else
            fail "$name: stderr '$(head -c 300 "$work/$name.err")' lacks '$p'"
        fi
    done
}

cfg=$work/mmc.cfg
printf 'name = "g"\nmemory = 64\ndtdev = [ "/soc/mmc@ee140000" ]\n' >"$cfg"

# --- hostile trees, every command ---------------------------------------------
hostile=$work/hostile
mkdir -p "$hostile"
if ! "$mk_hostile" "$hostile"; then
    fail "mk_hostile could not write the hostile trees"
else
    while IFS=$'\t' read -r name node reason; do
        f=$hostile/$name.dtb
        run "dt-$name" dt "$f"
        expect_refused "dt-$name" "$f: malformed device tree: " "$node" "$reason"
        run "run-$name" run --dtb "$f"
        expect_refused "run-$name" "$f: malformed device tree: " "$node" "$reason"
        run "runcfg-$name" run --dtb "$f" --config "$cfg"
        expect_refused "runcfg-$name" "$f: malformed device tree: " "$node" "$reason"
        run "check-$name" check --dtb "$f" --config "$cfg"
        expect_refused "check-$name" "$f: malformed device tree: " "$node" "$reason"
        run "dot-$name" dt --format dot "$f"
        expect_refused "dot-$name" "$f: malformed device tree: " "$node" "$reason"
    done <"$hostile/cases.txt"
fi

# --- the exit-status table (docs/iommu-sim.md), every row, every command -----
h3=$build/boards/h3-salvator-xs.dtb
es2=$work/h3-es2.dtb
cp "$h3" "$es2" &&
    fdtput -t x "$es2" /soc/chipid@fff00044 renesas,prr-value 4f10 ||
    fail "cannot build the ES2.0 tree"
printf 'name = "s"\nmemory = 64\ndtdev = [ "/soc/mmc@ee140000/" ]\n' >"$work/slash.cfg"
printf 'name = "m"\nmemory = 0200\n' >"$work/octal.cfg"
printf 'name = "u"\nmemory = 16\ndtdev = [ "/soc/mmc" ]\n' >"$work/unitless.cfg"
printf 'name = "x"\nmemory = 16\ndtdev = [ "/soc/nothing@0" ]\n' >"$work/missing.cfg"
printf 'name = "big"\nmemory = 65536\n' >"$work/big.cfg"
for i in 1 2 3 4 5 6; do
    printf 'name = "g%s"\nmemory = 16\ndtdev = [ "%s" ]\n' "$i" \
        "$(sed -n "${i}p" <<'LIST'
/soc/mmc@ee100000
/soc/mmc@ee120000
/soc/mmc@ee140000
/soc/mmc@ee160000
/soc/sata@ee300000
/soc/ethernet@e6800000
LIST
)" >"$work/many$i.cfg"
done
many=(); for i in 1 2 3 4 5 6; do many+=(--config "$work/many$i.cfg"); done

# 0: success.
run ok-boards boards;                       expect_rc ok-boards 0
run ok-dt dt --board h3-salvator-xs;        expect_rc ok-dt 0
expect_out ok-dt '^driver: binds all 17 IPMMUs$'
run ok-run run --board s4-spider;           expect_rc ok-run 0
run ok-check check --board h3-salvator-xs --config "$cfg"
expect_rc ok-check 0
expect_out ok-check '^check: h3-salvator-xs: ok \(1 guest\)$'
# A path with a trailing '/' is the node without it, for tool and Xen.
run ok-slash run --board h3-salvator-xs --config "$work/slash.cfg"
expect_rc ok-slash 0
expect_out ok-slash '/soc/mmc@ee140000 assigned to d1$'
run ok-help help run;                       expect_rc ok-help 0
# The smallest sizes the docs accept.
printf 'name = "tiny"\nmemory = 1\ndtdev = [ "/soc/mmc@ee140000" ]\n' >"$work/tiny.cfg"
run ok-tiny run --config "$work/tiny.cfg" --dom0-memory 1
expect_rc ok-tiny 0
expect_clean ok-tiny

# 1: the input was valid, a check failed.
run fail-run run --dtb "$es2";              expect_rc fail-run 1
run fail-check check --dtb "$es2"
expect_rc fail-check 1
expect_out fail-check 'the driver would not bind the IPMMUs \(0 of 17 up\): IPMMU: R-Car H3 cut 0x10'
run fail-dt dt "$es2"
expect_rc fail-dt 0     # dt reports; it has no check to fail
expect_out fail-dt '^driver: would not bind the IPMMUs: IPMMU: R-Car H3 cut 0x10'
run fail-many-run run "${many[@]}";         expect_rc fail-many-run 1
run fail-many-check check --board h3-salvator-xs "${many[@]}"
expect_rc fail-many-check 1
expect_out fail-many-check '^contexts: 8 of 7 usable with quarantine, 7 without$'
expect_out fail-many-check 'the root IPMMU has 7 usable contexts; dom0, 6 guest\(s\) with devices and the quarantine need 8 \(without quarantine'
run fail-check-path check --board h3-salvator-xs --config "$work/unitless.cfg" \
    --config "$work/missing.cfg" --config "$work/big.cfg"
expect_rc fail-check-path 1
expect_out fail-check-path "unitless.cfg:3: guest 'u': dtdev \"/soc/mmc\": no node has this exact name; give the unit address"
expect_out fail-check-path "missing.cfg:3: guest 'x': dtdev \"/soc/nothing@0\": no such node"
expect_out fail-check-path "big.cfg:2: guest 'big': memory = 65536 MiB does not fit"
expect_out fail-check-path '^check: h3-salvator-xs: 3 problems$'

# 2: bad usage or bad input, for every command.
for c in dt run check boards; do
    run "usage-$c" "$c" --frobnicate
    expect_refused "usage-$c" "--frobnicate"
done
run usage-cmd frobnicate;                   expect_refused usage-cmd "no command 'frobnicate'"
run board-dt dt --board h3;                 expect_refused board-dt "no built-in board 'h3'"
run board-run run --board h3;               expect_refused board-run "no built-in board 'h3'"
run board-check check --board h3;           expect_refused board-check "no built-in board 'h3'"
for c in run check; do
    run "octal-$c" "$c" --board h3-salvator-xs --config "$work/octal.cfg"
    expect_refused "octal-$c" "octal.cfg:2: '0200': a leading 0 is ambiguous"
done
run octal-dot dt --format dot --board h3-salvator-xs --config "$work/octal.cfg"
expect_refused octal-dot "octal.cfg:2: '0200'"
run unitless-run run --config "$work/unitless.cfg"
expect_refused unitless-run "unitless.cfg:3: guest 'u': dtdev \"/soc/mmc\": no node has this exact name" "/soc/mmc@ee140000"
run dom0-octal run --dom0-memory 0200;      expect_refused dom0-octal "'0200': a leading 0"
run dom0-neg run --dom0-memory -1;          expect_refused dom0-neg "'-1': negative"
run dom0-big run --dom0-memory 1048576
expect_refused dom0-big "--dom0-memory 1048576 MiB does not fit"
run dot-format dt --format svg --board h3-salvator-xs
expect_refused dot-format "--format svg: one of text, json, dot"

# --- check and dot on the boards and the mainline trees ----------------------
have_dot=0; command -v dot >/dev/null 2>&1 && have_dot=1
dot_ok()
{
    local name=$1
    expect_rc "$name" 0
    expect_out "$name" '^strict digraph ipmmu \{$'
    if [[ $(tail -1 "$work/$name.out") == "}" ]]; then pass; else
        fail "$name: the graph is not closed"
    fi
    if [[ $have_dot -eq 1 ]]; then
        if dot -Tsvg "$work/$name.out" -o "$work/$name.svg" 2>"$work/$name.doterr"
        then pass; else fail "$name: dot refused it: $(head -c 300 "$work/$name.doterr")"; fi
    fi
}
for b in h3-salvator-xs m3n-salvator-xs s4-spider; do
    run "dot-$b" dt --format dot --board "$b"
    dot_ok "dot-$b"
    run "check-$b" check --board "$b"
    expect_rc "check-$b" 0
done
run dot-guests dt --format dot --board h3-salvator-xs --config "$cfg" \
    --config "$work/many5.cfg"
dot_ok dot-guests
expect_out dot-guests 'label="/soc/mmc@ee140000\\nguest g", *\]|fillcolor="#8dd3c7", label="/soc/mmc@ee140000\\nguest g"'
expect_out dot-guests 'fillcolor="#fb8072", label="/soc/sata@ee300000\\nguest g5"'
[[ $(grep -c 'style="filled,bold"' "$work/dot-guests.out") -eq 1 ]] && pass ||
    fail "dot-guests: not exactly one root drawn"

shopt -s nullglob
real=("$build"/real-dtbs/*.dtb)
nreal=0
for f in "${real[@]}"; do
    n=real-$(basename "$f" .dtb)
    run "$n-check" check --dtb "$f"
    rc=$(cat "$work/$n-check.rc")
    if [[ $rc == 0 || $rc == 1 ]]; then pass; else
        fail "$n-check: status $rc: $(head -c 300 "$work/$n-check.err")"
    fi
    expect_clean "$n-check"
    run "$n-dot" dt --format dot "$f"
    dot_ok "$n-dot"
    nreal=$((nreal + 1))
done
echo "iommu-sim-door: ${nreal} mainline trees checked and drawn"

scenario_end
