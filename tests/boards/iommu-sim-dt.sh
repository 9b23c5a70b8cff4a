#!/usr/bin/env bash
# Scenario tests of 'iommu-sim dt' and 'iommu-sim boards' (run on the
# sanitizer build): the output for each built-in board, and corrupted or
# hostile blobs, which must end with status 2 and exactly one line on
# stderr, never a crash.  Results go to $TEST_SUMMARY as passed/failed.
#
#   iommu-sim-dt.sh IOMMU_SIM BUILD_DIR
set -uo pipefail

sim=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
scenario_begin iommu-sim-dt "$build/test-logs/iommu-sim-dt" "$sim"

# Bad input: status 2, one line on stderr that matches 'pattern', no stdout.
expect_rejected()
{
    local name=$1 pattern=$2 lines
    expect_rc "$name" 2
    lines=$(wc -l <"$work/$name.err")
    if [[ $lines -eq 1 ]]; then pass; else
        fail "$name: $lines lines on stderr, expected 1: $(head -c 400 "$work/$name.err")"
    fi
    if grep -qE -- "$pattern" "$work/$name.err"; then pass; else
        fail "$name: stderr '$(cat "$work/$name.err")' lacks /$pattern/"
    fi
    if [[ ! -s $work/$name.out ]]; then pass; else
        fail "$name: printed a report for a bad tree"
    fi
}

json_ok()
{
    local name=$1
    command -v python3 >/dev/null 2>&1 || return 0
    if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
           "$work/$name.out" 2>"$work/$name.jsonerr"; then pass; else
        fail "$name: invalid JSON: $(cat "$work/$name.jsonerr")"
    fi
}

# --- help and the board list ------------------------------------------------
run help --help
expect_rc help 0
expect_out help '^  dt '
expect_out help '^  boards '
run dt_help dt --help
expect_rc dt_help 0
expect_out dt_help 'iommu-sim dt \[--json\] --board NAME'
run no_args
expect_rc no_args 2
run unknown_cmd frobnicate
expect_rejected unknown_cmd "no command 'frobnicate'"

run boards boards
expect_rc boards 0
expect_out boards '^h3-salvator-xs +Renesas Salvator-XS, R-Car H3 ES3.0 .*\(default\)$'
expect_out boards '^m3n-salvator-xs '
expect_out boards '^s4-spider '
expect_out boards '^zynqmp-zcu102 '
expect_out boards '^amd-seattle '
[[ $(wc -l <"$work/boards.out") -eq 5 ]] && pass || fail "boards: not 5 lines"
run boards_json boards --json
expect_rc boards_json 0
json_ok boards_json

# --- the built-in boards ----------------------------------------------------
# The Arm SMMU boards: no IPMMU, and the command must still work.
run zcu102 dt --board zynqmp-zcu102
expect_rc zcu102 0
expect_out zcu102 '^zynqmp-zcu102: [0-9]+ nodes, 0 IPMMUs, 1 SMMUs, 16 masters$'
run seattle dt --board amd-seattle
expect_rc seattle 0
expect_out seattle '^amd-seattle: [0-9]+ nodes, 0 IPMMUs, 2 SMMUs, 2 masters$'

run h3 dt --board h3-salvator-xs
expect_rc h3 0
expect_out h3 '^h3-salvator-xs: [0-9]+ nodes, 17 IPMMUs, 22 masters$'
expect_out h3 '^  /soc/iommu@e67b0000 +0xe67b0000 size 0x1000 +root +gen3 renesas,ipmmu-r8a7795 irqs 228,229$'
expect_out h3 '^  /soc/iommu@fe980000 +0xfe980000 size 0x1000 +cache gen3 renesas,ipmmu-r8a7795 main-bit 17$'
expect_out h3 '^    iommus    /soc/iommu@e6740000 utlb 0-15$'
expect_out h3 '^    iommus    /soc/iommu@e7740000 utlb 16-31$'
expect_out h3 '^    iommu-map rid 0 -> /soc/iommu@e6570000 utlb 1 \(1 id\)$'
[[ $(grep -c ' cache ' "$work/h3.out") -eq 16 ]] && pass ||
    fail "h3: expected 16 cache IPMMUs"
# The SDHI masters, in order, on ds1 32..35.
if [[ $(grep -A1 '^  /soc/mmc@' "$work/h3.out" | grep -o 'utlb [0-9]*' |
        tr '\n' ' ') == "utlb 32 utlb 33 utlb 34 utlb 35 " ]]; then pass; else
    fail "h3: SDHI uTLBs are not 32..35"
fi

run h3_json dt --json --board h3-salvator-xs
expect_rc h3_json 0
json_ok h3_json
expect_out h3_json '"path": "/soc/iommu@e67b0000", "address": 3866820608, "size": 4096, "role": "root", "generation": "gen3"'
expect_out h3_json '"path": "/soc/ethernet@e6800000", "available": true, "iommus": \[\{"ipmmu": "/soc/iommu@e6740000", "utlb": 16\}\]'
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$work/h3_json.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ipmmus = {i["path"]: i for i in d["ipmmus"]}
assert len(ipmmus) == 17
assert [i["path"] for i in d["ipmmus"] if i["role"] == "root"] == ["/soc/iommu@e67b0000"]
assert ipmmus["/soc/iommu@e67b0000"]["irqs"] == [228, 229]
refs = sum(len(m["iommus"]) for m in d["masters"])
assert refs == 5 * 16 + 1 + 4 + 1 + 9, refs
for m in d["masters"]:
    for r in m["iommus"] + m["iommu_map"]:
        assert r["ipmmu"] in ipmmus, r
PY
    then pass; else fail "h3_json: content does not match hardware.md"; fi
fi

run m3n dt --board m3n-salvator-xs
expect_rc m3n 0
expect_out m3n '^m3n-salvator-xs: [0-9]+ nodes, 10 IPMMUs, 18 masters$'
expect_out m3n 'renesas,ipmmu-r8a77965 irqs 228,229$'

run s4 dt --board s4-spider
expect_rc s4 0
expect_out s4 '^s4-spider: [0-9]+ nodes, 5 IPMMUs, 3 masters$'
expect_out s4 '^  /soc/iommu@eefc0000 +0xeefc0000 size 0x20000 +root +gen4 renesas,ipmmu-r8a779f0 irqs 53,54$'
expect_out s4 '^  /soc/iommu@eed00000 +0xeed00000 size 0x20000 +cache gen4 renesas,ipmmu-r8a779f0$'
expect_out s4 '^    iommus    /soc/iommu@eed00000 utlb 32$'

# The same tree from a file reads the same as the embedded one.
run h3_file dt "$build/boards/h3-salvator-xs.dtb"
expect_rc h3_file 0
if diff <(tail -n +2 "$work/h3.out") <(tail -n +2 "$work/h3_file.out") \
        >/dev/null; then pass; else fail "h3_file: differs from --board"; fi

# --- usage errors -------------------------------------------------------------
run no_input dt
expect_rejected no_input 'give one FILE.dtb or --board NAME'
run both_inputs dt --board s4-spider "$build/boards/s4-spider.dtb"
expect_rejected both_inputs 'give one FILE.dtb or --board NAME'
run bad_board dt --board h3
expect_rejected bad_board "no built-in board 'h3'"
run bad_option dt --jsn --board h3-salvator-xs
expect_rejected bad_option "unknown option '--jsn'"
run missing dt "$work/does-not-exist.dtb"
expect_rejected missing 'does-not-exist.dtb: cannot open'

# --- malformed blobs ----------------------------------------------------------
h3=$build/boards/h3-salvator-xs.dtb
size=$(stat -c %s "$h3")

: >"$work/empty.dtb"
run empty dt "$work/empty.dtb"
expect_rejected empty 'empty.dtb: malformed device tree'

head -c 4096 /dev/urandom >"$work/noise.dtb"
run noise dt "$work/noise.dtb"
expect_rejected noise 'noise.dtb: malformed device tree'

head -c $((size / 2)) "$h3" >"$work/truncated.dtb"
run truncated dt "$work/truncated.dtb"
expect_rejected truncated 'truncated.dtb: malformed device tree'

{ printf '\xd0\x0d\xfe\xee'; tail -c +5 "$h3"; } >"$work/badmagic.dtb"
run badmagic dt "$work/badmagic.dtb"
expect_rejected badmagic 'badmagic.dtb: malformed device tree'

# totalsize (bytes 4..7) claims more than the file holds.
{ head -c 4 "$h3"; printf '\x00\x10\x00\x00'; tail -c +9 "$h3"; } \
    >"$work/bigsize.dtb"
run bigsize dt "$work/bigsize.dtb"
expect_rejected bigsize 'bigsize.dtb: malformed device tree'

# An iommus entry whose phandle no node has.
sed 's/iommus = <&ipmmu_ds0 16>;/iommus = <0x999 16>;/' \
    boards/h3-salvator-xs.dts >"$work/dangling.dts"
if dtc -q -I dts -O dtb -o "$work/dangling.dtb" "$work/dangling.dts"; then
    run dangling dt "$work/dangling.dtb"
    expect_rejected dangling 'ethernet@e6800000'
else
    fail "dangling: dtc could not build the test tree"
fi

# An IPMMU without #iommu-cells.
cp "$h3" "$work/nocells.dtb"
if fdtput -d "$work/nocells.dtb" /soc/iommu@e6740000 '#iommu-cells'; then
    run nocells dt "$work/nocells.dtb"
    expect_rejected nocells 'malformed device tree'
else
    fail "nocells: fdtput could not build the test tree"
fi

# Random corruption: every outcome is a report (0) or one line and 2.
crashes=0
for seed in $(seq 1 40); do
    cp "$h3" "$work/fuzz.dtb"
    # Overwrite 8 bytes at a seed-chosen offset with seed-chosen bytes.
    off=$(( (seed * 7919) % size ))
    printf "$(printf '\\x%02x' $((seed * 37 % 256)) $((seed * 11 % 256)) \
        $((seed * 5 % 256)) 255 0 $((seed % 256)) 128 $((seed * 3 % 256)))" |
        dd of="$work/fuzz.dtb" bs=1 seek="$off" conv=notrunc status=none
    run fuzz dt "$work/fuzz.dtb"
    rc=$(cat "$work/fuzz.rc")
    if [[ $rc -eq 0 ]] ||
       [[ $rc -eq 2 && $(wc -l <"$work/fuzz.err") -eq 1 ]]; then
        :
    else
        crashes=$((crashes + 1))
        cp "$work/fuzz.dtb" "$work/fuzz-crash-$seed.dtb"
        echo "fuzz seed $seed: status $rc: $(head -c 300 "$work/fuzz.err")"
    fi
done
[[ $crashes -eq 0 ]] && pass || fail "fuzz: $crashes of 40 corrupted blobs crashed or misreported"

scenario_end
