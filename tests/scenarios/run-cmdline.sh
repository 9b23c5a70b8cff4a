#!/usr/bin/env bash
# 'iommu-sim run --xen-cmdline': Xen's iommu= option on the built-in
# boards (docs/iommu-sim-run.md).  Results go to $TEST_SUMMARY.
#
#   run-cmdline.sh IOMMU_SIM WORK_DIR
set -uo pipefail

sim=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/scenario.sh
. "$here/../lib/scenario.sh"
scenario_begin "iommu-sim run --xen-cmdline" "$2" "$sim" run

# Quarantine off: unassigned masters left as upstream leaves them.
run no-quarantine --xen-cmdline "iommu=no-quarantine"
expect_rc no-quarantine 0
expect_clean no-quarantine
expect_out no-quarantine 'Command line: iommu=no-quarantine'
expect_out no-quarantine \
    'quarantine off \(iommu=no-quarantine\): devices assigned to no domain'
expect_out no-quarantine \
    '\[ok\] 20 masters registered, unprotected until assigned'
expect_out no-quarantine \
    '\[ok\] /soc/mmc@ee140000 unprotected .*bypasses the IPMMU'
expect_out no-quarantine 'land in d1.s pages'
expect_out no-quarantine '^[0-9]+ checks: [0-9]+ passed, 0 failed$'

for board in m3n-salvator-xs s4-spider; do
    run "no-quarantine-$board" --board "$board" \
        --xen-cmdline "iommu=no-quarantine"
    expect_rc "no-quarantine-$board" 0
    expect_out "no-quarantine-$board" '^[0-9]+ checks: [0-9]+ passed, 0 failed$'
done

# Verbose: one console line per device registered, assigned, taken away.
run verbose --xen-cmdline "iommu=verbose"
expect_rc verbose 0
expect_out verbose 'IOMMU: /soc/mmc@ee140000 registered \(1 id\), quarantined'
expect_out verbose 'IOMMU: /soc/mmc@ee140000 assigned to d1'
expect_out verbose 'IOMMU: /soc/mmc@ee140000 deassigned from d1'

# Unknown sub-options and parameters: reported as Xen does, ignored.
run unknown --xen-cmdline "iommu=frob,verbose  nosuch=1"
expect_rc unknown 0
expect_out unknown 'parameter "iommu" has invalid value "frob,verbose", rc=-22!'
expect_out unknown 'parameter "nosuch" unknown!'
expect_out unknown 'IOMMU: /soc/sata@ee300000 assigned to d1'

# IOMMUs off: nothing protected, the run says so and fails its check.
run off --xen-cmdline "iommu=0"
expect_rc off 1
expect_clean off
expect_out off 'I/O virtualisation disabled by configuration'
expect_out off '\[FAILED\] 0 of 17 IPMMUs up'

# Forced, with IOMMUs: nothing changes.
run force --xen-cmdline "iommu=force"
expect_rc force 0

# Forced, but the driver refuses the SoC (H3 ES2.0): fatal, as Xen panics.
if command -v dtc >/dev/null && command -v fdtput >/dev/null; then
    dtb=$work/cmdline-h3-es2.dtb
    if dtc -q -I dts -O dtb -o "$dtb" "$here/../../boards/h3-salvator-xs.dts" &&
       fdtput -t x "$dtb" /soc/chipid@fff00044 renesas,prr-value 4f10; then
        # (the shell's own "Aborted" notice is not part of the output)
        run force-none --dtb "$dtb" --xen-cmdline "iommu=required" 2>/dev/null
        expect_rc force-none 134
        expect_err force-none \
            'PANIC: IOMMU required \(iommu=force\) but none could be enabled'
    else
        fail "force-none: cannot build the patched tree"
    fi
fi

run no-value --xen-cmdline
expect_rc no-value 2
expect_err no-value '--xen-cmdline needs a value'

scenario_end
