# Shared harness of the shell scenario tests (sourced, not run).
#
#   scenario_begin LABEL WORK_DIR CMD...   start: an empty WORK_DIR, counters
#                                          at zero; 'run' runs CMD...
#   run NAME ARGS...                       CMD... ARGS..., its stdout, stderr
#                                          and status into WORK_DIR/NAME.*
#   expect_rc / expect_out / expect_err / expect_clean NAME ...
#   pass / fail MESSAGE                    count one check
#   scenario_end                           the summary line, the counts into
#                                          $TEST_SUMMARY; status 0 when all
#                                          passed

scenario_begin()
{
    scenario_label=$1
    work=$2
    shift 2
    scenario_cmd=("$@")
    passed=0
    failed=0
    rm -rf "$work"
    mkdir -p "$work"
}

pass() { passed=$((passed + 1)); }

fail()
{
    failed=$((failed + 1))
    echo "FAIL $scenario_label: $*"
}

run()
{
    local name=$1; shift
    "${scenario_cmd[@]}" "$@" >"$work/$name.out" 2>"$work/$name.err"
    echo $? >"$work/$name.rc"
}

expect_rc()
{
    local name=$1 want=$2 got
    got=$(cat "$work/$name.rc")
    if [[ $got == "$want" ]]; then pass; else
        fail "$name: exit status $got, expected $want" \
             "($(head -c 400 "$work/$name.err"))"
    fi
}

expect_out()
{
    local name=$1 pattern=$2
    if grep -qE -- "$pattern" "$work/$name.out"; then pass; else
        fail "$name: stdout lacks /$pattern/"
    fi
}

expect_err()
{
    local name=$1 pattern=$2
    if grep -qE -- "$pattern" "$work/$name.err"; then pass; else
        fail "$name: stderr lacks /$pattern/ ($(head -c 400 "$work/$name.err"))"
    fi
}

# No sanitizer report, whatever the status.
expect_clean()
{
    local name=$1
    if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" \
            "$work/$name.err"; then
        fail "$name: sanitizer report"
    else
        pass
    fi
}

scenario_end()
{
    echo "$scenario_label: $passed passed, $failed failed (logs: $work)"
    if [[ -n ${TEST_SUMMARY:-} ]]; then
        echo "passed $passed" >>"$TEST_SUMMARY"
        echo "failed $failed" >>"$TEST_SUMMARY"
    fi
    [[ $failed -eq 0 ]]
}
