#!/usr/bin/env bash
# Builds every arm64 device tree of Debian's linux-source-6.12 that has a
# node the Arm SMMU driver matches (arm,smmu-v1, arm,smmu-v2,
# arm,mmu-400, arm,mmu-401, arm,mmu-500, cavium,smmu-v2), for the SMMU
# part of the real-DTB tests.
#
#   real-dtbs-smmu.sh [BUILD_DIR]        (default: build)
#
# 1. the package: the one scripts/real-dtbs.sh downloaded into
#    BUILD_DIR/cache/ (that script runs first and downloads it once);
# 2. extracts the arm64 device-tree sources of the vendors whose files
#    name one of those compatibles, the arm (32-bit) sources some of them
#    include, the dt-bindings headers and the uapi headers they reach,
#    into BUILD_DIR/cache/linux-source-6.12-smmu (beside, not over, the
#    R-Car extraction other trees share);
# 3. compiles each .dts of those vendors with cpp + dtc and keeps the
#    trees whose blob names an SMMU compatible in BUILD_DIR/real-dtbs-smmu.
#
# Stamps make a second run silent and quick.  Any failure stops the script
# with a message naming the stage and the file.
set -euo pipefail

build=${1:-build}
pkg=linux-source-6.12
cache=$build/cache
out=$build/real-dtbs-smmu
compats='arm,smmu-v1|arm,smmu-v2|arm,mmu-400|arm,mmu-401|arm,mmu-500|cavium,smmu-v2'
# The vendors of arch/arm64/boot/dts whose sources name one of them
# (grep -rlE over the 6.12 tree); a new one shows as a missing tree in
# the count check of tests/real-dtbs/run-smmu.sh.
vendors="altera amd arm broadcom freescale intel marvell qcom tesla xilinx"

die()
{
    echo "real-dtbs-smmu: $*" >&2
    exit 1
}

for tool in dpkg-deb tar xz cpp dtc grep; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' is not installed (needed to build the real device trees)"
done

mkdir -p "$cache" "$out"
cache=$(cd "$cache" && pwd)
src=$cache/$pkg-smmu
out=$(cd "$out" && pwd)

deb=$(ls "$cache"/${pkg}_*.deb 2>/dev/null | head -1 || true)
[[ -n $deb ]] ||
    die "no $pkg .deb in $cache (scripts/real-dtbs.sh downloads it)"

# Stage 2: the sources these trees need.
want="$(basename "$deb") $vendors"
if [[ ! -f $src/.extracted || $(cat "$src/.extracted") != "$want" ]]; then
    rm -rf "$src"
    mkdir -p "$src"
    top=linux-source-6.12
    pats=("$top/include/dt-bindings/*" "$top/include/uapi/*"
          "$top/arch/arm/boot/dts/*")
    for v in $vendors; do
        pats+=("$top/arch/arm64/boot/dts/$v/*")
    done
    if ! dpkg-deb --fsys-tarfile "$deb" |
         tar -xO ./usr/src/$pkg.tar.xz |
         tar -xJ -C "$src" --strip-components=1 --wildcards "${pats[@]}" \
             2>"$cache/extract-smmu.log"; then
        die "extracting the device-tree sources from $deb failed (log: $cache/extract-smmu.log)"
    fi
    # The kernel's include prefixes (scripts/dtc/include-prefixes).
    mkdir -p "$src/prefixes"
    ln -s ../arch/arm/boot/dts "$src/prefixes/arm"
    ln -s ../arch/arm64/boot/dts "$src/prefixes/arm64"
    ln -s ../include/dt-bindings "$src/prefixes/dt-bindings"
    echo "$want" >"$src/.extracted"
    rm -f "$out/.stamp"
fi

# Stage 3: compile, keep the trees with an SMMU.
stamp="$want smmu-trees"
if [[ ! -f $out/.stamp || $(cat "$out/.stamp") != "$stamp" ]]; then
    rm -f "$out"/*.dtb
    n=0 kept=0
    while read -r d; do
        name=$(basename "$d" .dts)
        err=$out/$name.err
        if ! (cd "$src" &&
              cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp \
                  -I include -I prefixes -I "$(dirname "$d")" "$d" |
              dtc -q -I dts -O dtb -i "$(dirname "$d")" -i prefixes \
                  -o "$out/$name.dtb" -) 2>"$err"; then
            rm -f "$out/$name.dtb"
            die "compiling $d failed: $(grep -m1 -i 'error' "$err" || head -1 "$err") (log: $err)"
        fi
        rm -f "$err"
        n=$((n + 1))
        # dtc writes each string of 'compatible' NUL-terminated.
        if LC_ALL=C grep -aqP "(?<![a-z0-9,.-])($compats)\x00" \
               "$out/$name.dtb"; then
            kept=$((kept + 1))
        else
            rm -f "$out/$name.dtb"
        fi
    done < <(cd "$src" && for v in $vendors; do
                 find "arch/arm64/boot/dts/$v" -name '*.dts'
             done | sort)
    echo "real-dtbs-smmu: $kept of $n arm64 device trees have an SMMU" \
         "node; compiled into $out"
    echo "$stamp" >"$out/.stamp"
fi
