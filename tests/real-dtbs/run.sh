#!/usr/bin/env bash
# Runs test_real_dtbs over every real DTB and reports per-file results to
# $TEST_SUMMARY ("passed N" / "failed N").  The node counts it checks
# against come from fdtdump, a parser independent of libfdt and of ours.
#
#   run.sh TEST_PROGRAM DTB_DIR
set -uo pipefail

prog=$1
dir=$2
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
if [[ -n ${TEST_SUMMARY:-} ]]; then
    echo "passed $np" >>"$TEST_SUMMARY"
    echo "failed $nf" >>"$TEST_SUMMARY"
fi
if [[ $nf -ne 0 ]]; then
    grep -E '^\[  FAILED  \]|^\[  ERROR   \]|error|Error' "$log" | head -20
    echo "test-real-dtbs: $np DTBs passed, $nf failed (log: $log)"
    exit 1
fi
echo "test-real-dtbs: $np DTBs passed (of ${#dtbs[@]}; log: $log)"
