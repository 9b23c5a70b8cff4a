#!/usr/bin/env bash
# Unpacks Debian's arm64 libfdt (headers + static library) under build/,
# for the aarch64 test build: libfdt-dev cannot be installed for two
# architectures at once, so the arm64 copy is downloaded, not installed.
set -euo pipefail
dest=${1:-build/aarch64-sysroot}
stamp=$dest/.done
[[ -f $stamp ]] && exit 0
mkdir -p "$dest/debs"
( cd "$dest/debs" && apt-get download -qq libfdt-dev:arm64 )
for deb in "$dest"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dest"
done
touch "$stamp"
