#!/usr/bin/env bash
# Runs test programs and extra make steps, adds up their results and prints
# one closing line: "tests: N passed, N failed".
#
#   run-tests.sh SUMMARY_FILE PROGRAM... -- [MAKE_STEP...]
#
# cmocka programs print "[  PASSED  ] N test(s)." and "[  FAILED  ] N
# test(s)"; those counts are added up.  A program that crashes or exits
# non-zero without a cmocka summary counts as one failure.  Each extra step
# is a make target; it may append "passed N" / "failed N" lines to
# $TEST_SUMMARY, and otherwise counts as one test by its exit status.
# Set QEMU to run the programs under an emulator; TEST_TIMEOUT (seconds,
# default 600) bounds each program.
set -u
summary=$1; shift
progs=()
while [[ $# -gt 0 && $1 != -- ]]; do progs+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
steps=("$@")

passed=0; failed=0; failed_names=()
mkdir -p "$(dirname "$summary")"
log_dir=$(dirname "$summary")/test-logs
mkdir -p "$log_dir"

for p in "${progs[@]}"; do
    name=$(basename "$p")
    # The same test built for release (build/rel/bin) gets its own log.
    [[ $(basename "$(dirname "$(dirname "$p")")") == rel ]] && name=$name-rel
    log=$log_dir/$name.log
    # A hung program is a failure, not a hung test run.
    timeout "${TEST_TIMEOUT:-600}" ${QEMU:+$QEMU} "$p" >"$log" 2>&1
    rc=$?
    [[ $rc -eq 124 ]] && echo "(timed out after ${TEST_TIMEOUT:-600} s)" >>"$log"
    np=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    nf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    np=${np:-0}; nf=${nf:-0}
    if [[ $rc -ne 0 && $nf -eq 0 ]]; then nf=1; fi
    passed=$((passed + np)); failed=$((failed + nf))
    if [[ $nf -ne 0 ]]; then
        failed_names+=("$name")
        echo "FAIL $name ($np passed, $nf failed; log: $log)"
        tail -40 "$log"
    else
        echo "ok   $name ($np passed)"
    fi
done

for s in "${steps[@]}"; do
    step_sum=$log_dir/$s.summary
    : >"$step_sum"
    TEST_SUMMARY=$step_sum make --no-print-directory "$s"
    rc=$?
    sp=$(awk '/^passed /{n+=$2} END{print n+0}' "$step_sum")
    sf=$(awk '/^failed /{n+=$2} END{print n+0}' "$step_sum")
    if [[ $sp -eq 0 && $sf -eq 0 ]]; then
        if [[ $rc -eq 0 ]]; then sp=1; else sf=1; fi
    elif [[ $rc -ne 0 && $sf -eq 0 ]]; then
        sf=1
    fi
    passed=$((passed + sp)); failed=$((failed + sf))
    if [[ $sf -ne 0 ]]; then
        failed_names+=("$s"); echo "FAIL $s ($sp passed, $sf failed)"
    else
        echo "ok   $s ($sp passed)"
    fi
done

echo "passed $passed failed $failed" >"$summary"
[[ ${#failed_names[@]} -gt 0 ]] && echo "failed: ${failed_names[*]}"
echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
