#!/usr/bin/env bash
# Runs test_real_dtbs over every real DTB and reports per-file results to
# $TEST_SUMMARY ("passed N" / "failed N").  The node counts it checks
# against come from fdtdump, a parser independent of libfdt and of ours.
# With IOMMU_SIM, also runs 'iommu-sim dt' on every DTB: it must accept
# each one, find as many IPMMUs as fdtdump shows IPMMU compatibles,
# exactly one root, and the generation the SoC's name implies; and the built-in boards must show the same IPMMUs and
# masters as the mainline trees of the same boards.
#
#   run.sh TEST_PROGRAM DTB_DIR [IOMMU_SIM]
set -uo pipefail

prog=$1
dir=$2
sim=${3:-}
log_dir=$(dirname "$dir")/test-logs
mkdir -p "$log_dir"
log=$log_dir/test_real_dtbs.log

shopt -s nullglob
dtbs=("$dir"/*.dtb)
if [[ ${#dtbs[@]} -eq 0 ]]; then
    echo "test-real-dtbs: no DTBs in $dir" >&2
    [[ -n ${TEST_SUMMARY:-} ]] && echo "failed 1" >>"$TEST_SUMMARY"
    exit 1
fi

# fdtdump prints one "NAME {" line per node.
counts=$dir/node-counts.txt
: >"$counts.tmp"
for f in "${dtbs[@]}"; do
    n=$(fdtdump "$f" 2>/dev/null | grep -c '^ *[^ ]* {$')
    echo "$(basename "$f") $n" >>"$counts.tmp"
done
mv "$counts.tmp" "$counts"

"$prog" "$dir" >"$log" 2>&1
rc=$?
np=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
nf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
np=${np:-0}; nf=${nf:-0}
if [[ $rc -ne 0 && $nf -eq 0 ]]; then nf=1; fi
if [[ $nf -ne 0 ]]; then
    grep -E '^\[  FAILED  \]|^\[  ERROR   \]|error|Error' "$log" | head -20
fi

# iommu-sim dt on every real tree.
sp=0; sf=0
if [[ -n $sim ]]; then
    out=$log_dir/iommu-sim-real.out
    for f in "${dtbs[@]}"; do
        name=$(basename "$f")
        want=$(fdtdump "$f" 2>/dev/null |
               grep -cE '^ *compatible = .*"(renesas,ipmmu-[^"]*|renesas,rcar-gen4-ipmmu-vmsa)"')
        if ! "$sim" dt "$f" >"$out" 2>"$out.err"; then
            sf=$((sf + 1))
            echo "FAIL iommu-sim dt $name: $(cat "$out.err")"
            continue
        fi
        got=$(sed -n '1s/.* nodes, \([0-9]*\) IPMMUs,.*/\1/p' "$out")
        roots=$(grep -c '^  /.* root ' "$out")
        # R-Car V3U/S4/V4H/V4M (r8a779a0/f0/g0/h0, and the S4 variant
        # r8a779f4, the V4H variant r8a779g2) are Gen4; the rest, the
        # r8a779m* H3e/M3e/M3Ne included, Gen3.
        case $name in
        r8a779[afgh]*) gen=gen4 ;;
        *)             gen=gen3 ;;
        esac
        gens=$(grep -E '^  /.* (root|cache) ' "$out" |
               awk '{print $6}' | sort -u | tr '\n' ' ')
        if [[ $got == "$want" && ( $want -eq 0 || $roots -eq 1 ) &&
              ( $want -eq 0 || $gens == "$gen " ) ]]; then
            sp=$((sp + 1))
        else
            sf=$((sf + 1))
            echo "FAIL iommu-sim dt $name: $got IPMMUs ($want expected)," \
                 "$roots roots, generations '$gens' ($gen expected)"
        fi
    done
fi

# Our built-in boards against the mainline trees of the same boards: the
# same IPMMUs (address, size, role, generation, ipmmu-main bit, IRQs) and
# the same masters with the same uTLBs, in whatever order.
bp=0; bf=0
# One line per IPMMU and per master (with its references), sorted.
blocks()
{
    tail -n +2 "$1" | sed 's/ (disabled)$//' |
        awk '/^  [^ ]/ { if (b != "") print b; b = $0; next }
             /^    /   { b = b " |" $0; next }
             END       { if (b != "") print b }' | sort
}
if [[ -n $sim ]]; then
    for pair in h3-salvator-xs:r8a77951-salvator-xs \
                m3n-salvator-xs:r8a77965-salvator-xs \
                s4-spider:r8a779f0-spider; do
        board=${pair%%:*}
        real=$dir/${pair##*:}.dtb
        if [[ ! -f $real ]]; then
            bf=$((bf + 1)); echo "FAIL $board: no $real to compare with"
            continue
        fi
        "$sim" dt --board "$board" >"$out.board" 2>&1
        "$sim" dt "$real" >"$out.real" 2>&1
        if diff <(blocks "$out.board") <(blocks "$out.real") \
                >"$out.diff"; then
            bp=$((bp + 1))
        else
            bf=$((bf + 1))
            echo "FAIL board $board differs from mainline $(basename "$real"):"
            head -20 "$out.diff"
        fi
    done
fi

if [[ -n ${TEST_SUMMARY:-} ]]; then
    echo "passed $((np + sp + bp))" >>"$TEST_SUMMARY"
    echo "failed $((nf + sf + bf))" >>"$TEST_SUMMARY"
fi
msg="$np DTBs passed, $nf failed"
[[ -n $sim ]] && msg="$msg; iommu-sim dt: $sp passed, $sf failed;"\
" boards vs mainline: $bp passed, $bf failed"
echo "test-real-dtbs: $msg (of ${#dtbs[@]} DTBs; log: $log)"
[[ $nf -eq 0 && $sf -eq 0 && $bf -eq 0 ]]
