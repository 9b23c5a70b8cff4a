#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmarks need, when
# they are missing.  Quiet and quick when everything is present.
set -euo pipefail

host_pkgs=(make gcc libc6-dev libfdt-dev device-tree-compiler libcmocka-dev
           gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user clang
           libclang-rt-14-dev libjemalloc2 libmimalloc2.0 xz-utils
           graphviz)
# graphviz: 'make topology' renders 'iommu-sim dt --format dot' as SVG.
# libfdt-dev is not co-installable across architectures: the arm64 copy
# is unpacked under build/ by scripts/aarch64-sysroot.sh instead.
arm64_pkgs=(libcmocka-dev:arm64)

native=$(dpkg --print-architecture)

# Installed for the machine's own architecture (or for all)?  A name can be
# installed for several architectures at once, so each line is checked.
installed_native() {
    dpkg-query -W -f='${Status} ${Architecture}\n' "$1" 2>/dev/null |
        grep -qE "^install ok installed ($native|all)$"
}

installed_exact() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == \
       "install ok installed" ]]
}

missing=()
for p in "${host_pkgs[@]}"; do
    installed_native "$p" || missing+=("$p")
done
for p in "${arm64_pkgs[@]}"; do
    installed_exact "$p" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
        echo "install-deps: not root; using sudo"
    else
        echo "install-deps: not root and no sudo: install as root:" >&2
        echo "  dpkg --add-architecture arm64 && apt-get update &&" \
             "apt-get install ${missing[*]}" >&2
        exit 1
    fi
else
    SUDO=
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
