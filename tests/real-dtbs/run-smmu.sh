#!/usr/bin/env bash
# The mainline arm64 trees with an Arm SMMU node (scripts/real-dtbs-smmu.sh)
# through iommu-sim.  For each tree:
#
# 1. 'dt' on the tree as shipped: a report (status 0), or a refusal
#    (status 2) of an expected kind: RAM the firmware fills in (a /memory
#    bank of size 0).
# 2. The tree as the firmware hands it over: a RAM-less tree (no bank, or
#    a bank of size 0) gets one bank of 1 GiB with fdtput (at the bank's
#    own base when it names one, else 0x80000000).
# 3. 'dt' on that tree must report, and its topology must agree with the
#    tree as fdtdump reads it (a parser that is neither libfdt nor ours):
#    the number of SMMU nodes, and every (master, SMMU, stream ID, mask)
#    of an 'iommus' entry that names an SMMU; 'check' must end 0 or 1
#    with its verdict line, 'dt --format dot' must draw the streams.
# 4. 'run' on that tree must pass every check with DMA landing in the
#    guest's pages (status 0), or refuse with one of the expected reasons:
#    no available master behind an IOMMU (status 2), the default guest
#    splitting a shared stream match entry (status 2), or a check failing
#    (status 1) for a reason the tree gives, which the first [FAILED]
#    line and the hypervisor's error before it must name (failure_kind
#    below: SMMUs the tree disables, two SMMUs on one interrupt, a device
#    behind an IOMMU that did not come up, more streams than stream match
#    registers).  A run in which the driver blocks or refuses a stream
#    match entry the guest shares with dom0 fails: the pre-boot check
#    must have refused that split (split_the_check_missed).  Any other
#    outcome, a sanitizer report or a hang fails.
#
#   run-smmu.sh IOMMU_SIM DTB_DIR
# Results go to $TEST_SUMMARY ("passed N" / "failed N"); per-kind counts
# are printed at the end.
set -uo pipefail

sim=$1
dir=$2
work=$(dirname "$dir")/test-logs/real-dtbs-smmu
rm -rf "$work"
mkdir -p "$work"

shopt -s nullglob
dtbs=("$dir"/*.dtb)
pass=0 fail=0
declare -A kinds=()

failed()
{
    fail=$((fail + 1))
    echo "FAIL real-dtbs-smmu: $*"
}

if [[ ${#dtbs[@]} -eq 0 ]]; then
    failed "no DTBs in $dir"
fi

compats='arm,smmu-v1|arm,smmu-v2|arm,mmu-400|arm,mmu-401|arm,mmu-500|cavium,smmu-v2'

# "MASTER SMMU 0xSID [mask 0xM]" for each iommus entry naming an SMMU,
# and "smmus N", from fdtdump's text.
fdt_topology()
{
    fdtdump "$1" 2>/dev/null | awk -v compats="$compats" '
    function num(s,    i, v, d) {
        s = tolower(s); v = 0
        if ( substr(s, 1, 2) != "0x" ) return s + 0
        for ( i = 3; i <= length(s); i++ ) {
            d = index("0123456789abcdef", substr(s, i, 1)) - 1
            v = v * 16 + d
        }
        return v
    }
    function hex(v) { return sprintf("0x%x", num(v)) }
    /^[ \t]*[^ \t]+ \{$/ {
        name = $1
        depth++
        stack[depth] = (name == "/") ? "" : name
        path = ""
        for ( i = 2; i <= depth; i++ ) path = path "/" stack[i]
        if ( path == "" ) path = "/"
        nodes[path] = 1
        next
    }
    /^[ \t]*};$/ { depth--; next }
    /=/ {
        line = $0
        sub(/^[ \t]*/, "", line)
        prop = line; sub(/ = .*/, "", prop)
        val = line; sub(/^[^=]*= /, "", val); sub(/;$/, "", val)
        if ( prop == "phandle" || prop == "linux,phandle" ) {
            gsub(/[<>]/, "", val); byph[num(val)] = path
        } else if ( prop == "#iommu-cells" ) {
            gsub(/[<>]/, "", val); cells[path] = num(val)
        } else if ( prop == "compatible" ) {
            n = split(val, parts, /", "/)
            for ( i = 1; i <= n; i++ ) {
                str = parts[i]; gsub(/"/, "", str)
                if ( str ~ ("^(" compats ")$") ) smmu[path] = 1
            }
        } else if ( prop == "iommus" && val ~ /^</ ) {
            gsub(/[<>]/, "", val); iommus[path] = val
        }
    }
    END {
        ns = 0
        for ( p in smmu ) ns++
        print "smmus " ns
        for ( m in iommus ) {
            n = split(iommus[m], cl, " ")
            i = 1
            while ( i <= n ) {
                t = byph[num(cl[i])]
                k = (t in cells) ? cells[t] : 1
                if ( t in smmu ) {
                    line = m " " t " " hex(cl[i + 1])
                    if ( k == 2 ) line = line " mask " hex(cl[i + 2])
                    print line
                }
                i += 1 + k
            }
        }
    }' | sort
}

# The same from 'iommu-sim dt' text: ranges expanded.
sim_topology()
{
    awk '
    function num(s,    i, v, d) {
        s = tolower(s); v = 0
        if ( substr(s, 1, 2) != "0x" ) return s + 0
        for ( i = 3; i <= length(s); i++ ) {
            d = index("0123456789abcdef", substr(s, i, 1)) - 1
            v = v * 16 + d
        }
        return v
    }
    NR == 1 {
        n = 0
        if ( match($0, /[0-9]+ SMMUs/) ) n = substr($0, RSTART, RLENGTH) + 0
        print "smmus " n
    }
    /^  \// { m = $1; next }
    /^    (iommus|mmu-masters) / && / stream / {
        smmu = $2; spec = $4
        lo = spec; hi = spec
        if ( index(spec, "-") ) { split(spec, r, "-"); lo = r[1]; hi = r[2] }
        mask = ($5 == "mask") ? " mask " $6 : ""
        for ( v = num(lo); v <= num(hi); v++ )
            printf "%s %s 0x%x%s\n", m, smmu, v, mask
    }' "$1" | sort
}

# The tree with RAM, as firmware would pass it: one 1 GiB bank.
fill_ram()
{
    local in=$1 out=$2 node base=0x80000000 ac sc reg
    cp "$in" "$out"
    ac=$(fdtget -t u "$out" / '#address-cells' 2>/dev/null || echo 2)
    sc=$(fdtget -t u "$out" / '#size-cells' 2>/dev/null || echo 1)
    node=$(fdtget -l "$out" / 2>/dev/null | grep -m1 '^memory' || true)
    if [[ -z $node ]]; then
        node=memory
        fdtput -c "$out" /memory || return 1
        fdtput -t s "$out" /memory device_type memory || return 1
    else
        reg=$(fdtget -t x "$out" "/$node" reg 2>/dev/null || true)
        if [[ -n $reg ]]; then
            read -r -a cells <<<"$reg"
            if [[ $ac -eq 2 ]]; then
                base=$(printf '0x%x' $(( (0x${cells[0]} << 32) | 0x${cells[1]} )))
            else
                base=0x${cells[0]}
            fi
            [[ $base == 0x0 ]] && base=0x80000000
        fi
    fi
    local args=()
    if [[ $ac -eq 2 ]]; then args+=("$(printf %x $(( base >> 32 )))"); fi
    args+=("$(printf %x $(( base & 0xffffffff )))")
    if [[ $sc -eq 2 ]]; then args+=(0); fi
    args+=(40000000)
    fdtput -t x "$out" "/$node" reg "${args[@]}"
}

# A run that failed a check (status 1) for a reason the tree gives: the
# first [FAILED] line and the hypervisor's last error before it must be
# one of these.  Prints the kind.
failure_kind()
{
    local first err
    first=$(grep -m1 '\[FAILED\]' "$1")
    err=$(sed -n '/\[FAILED\]/q; /(XEN) \[ERR\]/p' "$1" | tail -3 | tr '\n' ' ')
    if [[ $first =~ \[FAILED\]\ [0-9]+\ of\ [0-9]+\ SMMUs\ up.*\(disabled\ in\ the\ tree\ \(status\): ]]; then
        echo run-refused-smmu-disabled
    elif [[ $first =~ SMMUs\ up:\ EBUSY && $err =~ cannot\ request\ IRQ\ [0-9]+:\ -16 ]]; then
        echo run-failed-irq-shared-by-two-smmus
    elif [[ $err =~ its\ IOMMU\ .*\ did\ not\ come\ up ]]; then
        echo run-failed-device-behind-iommu-not-up
    elif [[ $first =~ some\ could\ not\ be\ registered && $err =~ cannot\ register\ with\ its\ IOMMU:\ -28 ]]; then
        echo run-failed-stream-match-registers-exhausted
    else
        return 1
    fi
}

# A run that failed because the guest and dom0 split a stream match entry:
# the driver refused the guest's assignment (the entry is dom0's), or kept
# the entry blocked and a DMA of dom0's or the guest's master faulted.  These were outcomes the
# test accepted until 'run' refused such splits before booting
# (tools/iommu-sim/port_groups.c, with the driver's cover rule): after a
# boot they now mean that the pre-boot check and the driver disagree.
# Prints the driver's line.
split_the_check_missed()
{
    local first
    first=$(grep -m1 '\[FAILED\]' "$1")
    if [[ $first =~ assigned\ to\ d1:\ EINVAL ]]; then
        grep -m1 'SMMU: cannot assign .* to d1 .*shares stream match entry' "$1"
    elif [[ $first =~ invalid\ context\ fault\ \(S2CR\ fault\) ]]; then
        grep -m1 -E 'SMMU: cannot assign .* to d1 .*shares stream match entry|stays blocked until .*, which shares it' "$1"
    else
        return 1
    fi
}

clean()
{
    ! grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$@"
}

for f in "${dtbs[@]}"; do
    name=$(basename "$f" .dtb)
    out=$work/$name
    ok=true

    # 1. As shipped.
    timeout 120 "$sim" dt "$f" >"$out.dt" 2>"$out.dt.err"
    rc=$?
    tree=$f
    if [[ $rc -eq 2 ]]; then
        if grep -qE '^iommu-sim: .*: malformed device tree: /memory[^:]*: RAM bank: reg entry [0-9]+ has size 0$' "$out.dt.err"; then
            kinds[dt-refused-ram-size-0]=$(( ${kinds[dt-refused-ram-size-0]:-0} + 1 ))
        else
            failed "$name: dt refused it for an unexpected reason: $(head -1 "$out.dt.err")"
            continue
        fi
    elif [[ $rc -ne 0 ]]; then
        failed "$name: dt ended with status $rc: $(head -1 "$out.dt.err")"
        continue
    fi

    # 2. With RAM, when it has none.
    if [[ $rc -eq 2 ]] || grep -q 'the tree declares no RAM' "$out.dt"; then
        tree=$out.ram.dtb
        if ! fill_ram "$f" "$tree"; then
            failed "$name: fdtput could not give it RAM"
            continue
        fi
        kinds[given-ram]=$(( ${kinds[given-ram]:-0} + 1 ))
        if ! timeout 120 "$sim" dt "$tree" >"$out.dt" 2>"$out.dt.err"; then
            failed "$name (RAM filled in): dt: $(head -1 "$out.dt.err")"
            continue
        fi
    fi

    # 3. Topology against fdtdump.
    fdt_topology "$tree" >"$out.want"
    sim_topology "$out.dt" >"$out.got"
    if ! diff "$out.want" "$out.got" >"$out.diff"; then
        failed "$name: topology differs from the tree (< fdtdump, > iommu-sim dt): $(head -3 "$out.diff" | tr '\n' ' ')"
        ok=false
    fi
    if ! grep -q '^smmus [1-9]' "$out.want"; then
        failed "$name: fdtdump sees no SMMU node"
        ok=false
    fi

    # check and the picture work on it (check may find problems: 0 or 1).
    timeout 120 "$sim" check --dtb "$tree" >"$out.check" 2>"$out.check.err"
    rc=$?
    if [[ $rc -gt 1 ]] || ! grep -qE '^check: ' "$out.check" ||
       ! clean "$out.check.err"; then
        failed "$name: check: status $rc: $(head -1 "$out.check.err")"
        ok=false
    fi
    timeout 120 "$sim" dt --format dot "$tree" >"$out.dot" 2>"$out.dot.err"
    rc=$?
    if [[ $rc -ne 0 ]] || ! grep -q '^strict digraph' "$out.dot" ||
       [[ $(grep -c ' -> s[0-9]*;$' "$out.dot") -eq 0 &&
          $(grep -c '^    iommus ' "$out.dt") -ne 0 ]]; then
        failed "$name: dt --format dot: status $rc, or no stream drawn"
        ok=false
    fi

    # 4. run: boots and passes, or refuses for an expected reason.
    timeout 300 "$sim" run --dtb "$tree" >"$out.run" 2>"$out.run.err"
    rc=$?
    if ! clean "$out.run" "$out.run.err" "$out.dt.err"; then
        failed "$name: a sanitizer report (log: $out.run.err)"
        ok=false
    elif [[ $rc -eq 0 ]] &&
         grep -qE '^[0-9]+ checks: [0-9]+ passed, 0 failed$' "$out.run" &&
         grep -q "land in d1's pages" "$out.run"; then
        kinds[run-passed]=$(( ${kinds[run-passed]:-0} + 1 ))
    elif [[ $rc -eq 2 ]] &&
         grep -qE '^iommu-sim: .*: no available master is behind an IOMMU' "$out.run.err"; then
        kinds[run-refused-no-master]=$(( ${kinds[run-refused-no-master]:-0} + 1 ))
    elif [[ $rc -eq 2 ]] &&
         grep -qE '^iommu-sim: run: stream match entry split across domains: stream 0x[0-9a-f]+ mask 0x[0-9a-f]+ of [^ ]+ is one stream match entry shared by .*\(guest .domU.\).*: masters whose streams share one stream match entry must be passed through together, to one domain' "$out.run.err"; then
        # The default guest took some masters of a shared stream match
        # entry: refused before booting (tools/iommu-sim/port_groups.c).
        kinds[run-refused-stream-entry-split]=$(( ${kinds[run-refused-stream-entry-split]:-0} + 1 ))
    elif [[ $rc -eq 1 ]] && missed=$(split_the_check_missed "$out.run"); then
        failed "$name: run booted a stream match entry split the pre-boot check should have refused: $missed"
        ok=false
    elif [[ $rc -eq 1 ]] && kind=$(failure_kind "$out.run"); then
        kinds[$kind]=$(( ${kinds[$kind]:-0} + 1 ))
    else
        failed "$name: run: status $rc, not an expected outcome: $(grep -m1 -h -E '\[FAILED\]|^iommu-sim:' "$out.run" "$out.run.err")"
        ok=false
    fi
    $ok && pass=$((pass + 1))
done

summary=""
for k in $(printf '%s\n' "${!kinds[@]}" | sort); do
    summary="$summary $k=${kinds[$k]}"
done
if [[ -n ${TEST_SUMMARY:-} ]]; then
    echo "passed $pass" >>"$TEST_SUMMARY"
    echo "failed $fail" >>"$TEST_SUMMARY"
fi
echo "test-real-dtbs-smmu: $pass of ${#dtbs[@]} trees passed, $fail failed;$summary (logs: $work)"
[[ $fail -eq 0 ]]
