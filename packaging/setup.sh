#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One entry point for a fresh Debian 12 machine (run as root, or as a user with sudo):
#   packaging/setup.sh app    install what is missing, build, open the app on the demo workspace
#   packaging/setup.sh test   install what is missing, build, run the whole test suite (ctest)
#   packaging/setup.sh deps   only install the Debian packages
# Idempotent: packages already installed are skipped, the build folder is reused.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${GLASSBOX_BUILD_DIR:-$src/build}
mode=${1:-app}

# Build and run dependencies. libopenblas0-openmp replaces the netlib reference BLAS that Debian's
# libtorch calls (30-40x faster matrix products) and follows libtorch's OpenMP thread setting.
# zlib1g-dev: deflate for .npz dictionaries. libqt6opengl6-dev: required by Qt6Charts' CMake package.
build_deps=(cmake ninja-build g++ pkg-config ccache
            qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
            libtorch-dev libeigen3-dev libsqlite3-dev zlib1g-dev libopenblas0-openmp
            fonts-dejavu-core)
# Test-only: reference implementations the tests compare against (python3-torch,
# python3-sklearn), PDF rasterisation for the export tests (poppler-utils), xvfb for a real X server,
# AppStream metainfo validation (appstream).
test_deps=(python3 python3-torch python3-sklearn python3-numpy poppler-utils xvfb xauth appstream)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

configure_and_build() {
    export CCACHE_BASEDIR="$src"
    if [ ! -f "$build/build.ninja" ]; then
        cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
    fi
    cmake --build "$build" -j "$(nproc)"
}

case "$mode" in
deps)
    install_missing "${build_deps[@]}" "${test_deps[@]}"
    ;;
test)
    install_missing "${build_deps[@]}" "${test_deps[@]}"
    configure_and_build
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    cd "$build" && ctest --output-on-failure --timeout 900
    ;;
app)
    install_missing "${build_deps[@]}"
    configure_and_build
    demo="$build/demo"
    if [ ! -f "$demo/demo.gbx" ] && "$build/app/glassbox-cli" --help 2>/dev/null | grep -q '^  demo'; then
        "$build/app/glassbox-cli" demo --out "$demo"
    fi
    ws=()
    [ -f "$demo/demo.gbx" ] && ws=("$demo/demo.gbx")
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        shot="$build/glassbox-window.png"
        echo "== no display: running the app offscreen; screenshot saved to $shot"
        QT_QPA_PLATFORM=offscreen "$build/app/glassbox" "${ws[@]}" --screenshot "$shot"
    else
        exec "$build/app/glassbox" "${ws[@]}"
    fi
    ;;
*)
    echo "usage: $0 app|test|deps" >&2
    exit 2
    ;;
esac
