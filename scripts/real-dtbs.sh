#!/usr/bin/env bash
# Builds the mainline R-Car device trees shipped in Debian's
# linux-source-6.12 package, for the real-DTB test suite.
#
#   real-dtbs.sh [BUILD_DIR]        (default: build)
#
# 1. downloads the package once into BUILD_DIR/cache/ (apt-get download);
# 2. extracts only the Renesas arm64 device-tree sources, the dt-bindings
#    headers and the one uapi header they reach through a symlink;
# 3. compiles every r8a77*.dts, r8a779*.dts and r8a774*.dts into
#    BUILD_DIR/real-dtbs/NAME.dtb with cpp + dtc.
#
# 4. builds the composite trees the kernel's Makefile defines as a base
#    tree plus .dtso overlays (NAME-dtbs := base.dtb overlay.dtbo), with
#    dtc -@ and fdtoverlay, into the same directory.  An overlay alone is
#    a fragment, not a tree, and is not tested by itself.
#
# Each stage leaves a stamp file, so a second run does nothing and prints
# nothing.  Any failure stops the script with a message naming the stage
# and the file.
set -euo pipefail

build=${1:-build}
pkg=linux-source-6.12
cache=$build/cache
src=$cache/$pkg
out=$build/real-dtbs

die()
{
    echo "real-dtbs: $*" >&2
    exit 1
}

for tool in apt-get dpkg-deb tar xz cpp dtc; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' is not installed (needed to build the real device trees)"
done

mkdir -p "$cache" "$out"
cache=$(cd "$cache" && pwd)
src=$cache/$pkg
out=$(cd "$out" && pwd)

# Stage 1: the package, downloaded once.
deb=$(ls "$cache"/${pkg}_*.deb 2>/dev/null | head -1 || true)
if [[ -z $deb ]]; then
    echo "real-dtbs: downloading $pkg with apt-get (once; kept in $cache)"
    log=$cache/apt-download.log
    if ! (cd "$cache" && apt-get download -qq "$pkg") >"$log" 2>&1; then
        # A machine whose package lists were never fetched knows no
        # package: refresh them once and try again.
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update -qq >>"$log" 2>&1 || true
        fi
        (cd "$cache" && apt-get download -qq "$pkg") >>"$log" 2>&1 ||
            die "apt-get download $pkg failed (log: $log): $(grep -m1 '^E:' "$log" || tail -1 "$log")"
    fi
    deb=$(ls "$cache"/${pkg}_*.deb 2>/dev/null | head -1 || true)
    [[ -n $deb ]] || die "apt-get download $pkg left no .deb in $cache"
fi

# Stage 2: only the files the R-Car trees need.
if [[ ! -f $src/.extracted || $(cat "$src/.extracted") != "$(basename "$deb")" ]]; then
    rm -rf "$src"
    mkdir -p "$src"
    top=linux-source-6.12
    if ! dpkg-deb --fsys-tarfile "$deb" |
         tar -xO ./usr/src/$pkg.tar.xz |
         tar -xJ -C "$src" --strip-components=1 --wildcards \
             "$top/arch/arm64/boot/dts/renesas/*" \
             "$top/include/dt-bindings/*" \
             "$top/include/uapi/linux/input-event-codes.h" \
             2>"$cache/extract.log"; then
        die "extracting the device-tree sources from $deb failed (log: $cache/extract.log)"
    fi
    [[ -d $src/arch/arm64/boot/dts/renesas ]] ||
        die "$deb has no arch/arm64/boot/dts/renesas"
    basename "$deb" >"$src/.extracted"
    rm -f "$out/.stamp"
fi

# Stage 3: compile.  cpp's status matters: a missing header truncates its
# output, and dtc would happily compile the truncated tree.
# The stamp names the package and what this script builds from it.
stamp="$(basename "$deb") trees+composites"
if [[ ! -f $out/.stamp || $(cat "$out/.stamp") != "$stamp" ]]; then
    rm -f "$out"/*.dtb
    n=0
    cd "$src"
    shopt -s nullglob
    # r8a77* covers the r8a779* (Gen3 V3x, Gen4) and r8a774* (RZ/G2)
    # names as well.
    dts_files=(arch/arm64/boot/dts/renesas/r8a77*.dts)
    cd - >/dev/null
    [[ ${#dts_files[@]} -gt 0 ]] || die "no R-Car .dts files in $src"
    for d in "${dts_files[@]}"; do
        name=$(basename "$d" .dts)
        err=$out/$name.err
        if ! (cd "$src" &&
              cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp \
                  -I include -I arch/arm64/boot/dts "$d" |
              dtc -q -I dts -O dtb -o "$out/$name.dtb" -) \
              2>"$err"; then
            rm -f "$out/$name.dtb"
            die "compiling $d failed: $(grep -m1 -i 'error' "$err" || head -1 "$err") (log: $err)"
        fi
        rm -f "$err"
        n=$((n + 1))
    done
    # Composite trees: the kernel's Makefile lists some as a base tree
    # plus overlays ("NAME-dtbs := base.dtb overlay.dtbo...").  Built the
    # same way: base and overlays compiled with symbols (-@), then
    # fdtoverlay.
    makefile=$src/arch/arm64/boot/dts/renesas/Makefile
    tmp=$out/.overlay-work
    rm -rf "$tmp"
    mkdir -p "$tmp"
    composed=0
    while read -r name parts; do
        files=()
        for part in $parts; do
            stem=${part%.*}
            case $part in
            *.dtb)  srcfile=arch/arm64/boot/dts/renesas/$stem.dts ;;
            *.dtbo) srcfile=arch/arm64/boot/dts/renesas/$stem.dtso ;;
            *)      die "$makefile: $name: unexpected part '$part'" ;;
            esac
            err=$tmp/$stem.err
            if ! (cd "$src" &&
                  cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp \
                      -I include -I arch/arm64/boot/dts "$srcfile" |
                  dtc -q -@ -I dts -O dtb -o "$tmp/$part" -) 2>"$err"; then
                die "compiling $srcfile for $name failed: $(grep -m1 -i 'error' "$err" || head -1 "$err") (log: $err)"
            fi
            files+=("$tmp/$part")
        done
        if ! fdtoverlay -i "${files[0]}" -o "$out/$name.dtb" \
                 "${files[@]:1}" 2>"$tmp/$name.err"; then
            die "applying the overlays of $name failed: $(head -1 "$tmp/$name.err") (log: $tmp/$name.err)"
        fi
        composed=$((composed + 1))
    done < <(sed -n 's/^\(r8a77[^ ]*\)-dtbs := \(.*\)$/\1 \2/p' "$makefile")
    rm -rf "$tmp"
    echo "real-dtbs: $n device trees compiled and $composed composed with" \
         "overlays into $out"
    echo "$stamp" >"$out/.stamp"
fi
