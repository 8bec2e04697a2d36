#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the .deb, installs it with dpkg -i, checks that the installed programs, man page,
# desktop entry and AppStream metainfo work, then removes the package again (--keep leaves it).
# Run as root (or with sudo) on a machine with the runtime dependencies (packaging/setup.sh deps):
#     packaging/install-test.sh [--keep]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${GLASSBOX_BUILD_DIR:-$src/build}
keep=${1:-}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
step() { echo "== $*"; }

step "building the package"
[ -f "$build/build.ninja" ] || cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" --target glassbox glassbox-cli glassbox_manpage
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/glassbox_*_amd64.deb | head -1)
echo "$deb"
dpkg-deb -f "$deb" Depends

step "installing"
as_root dpkg -i "$deb"

step "running the installed programs (no display)"
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM /usr/bin/glassbox --version
/usr/bin/glassbox-cli --version
/usr/bin/glassbox-cli --help
/usr/bin/glassbox-cli --help | grep -q '^  render ' || { echo "render missing from --help" >&2; exit 1; }

step "man page, desktop entry, icon, metainfo"
man -w glassbox-cli
zcat /usr/share/man/man1/glassbox-cli.1.gz | grep -q '^\.B render$'
test -f /usr/share/icons/hicolor/scalable/apps/app.glassbox.Glassbox.svg
grep -q '^Exec=glassbox %f$' /usr/share/applications/app.glassbox.Glassbox.desktop
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/app.glassbox.Glassbox.desktop; fi
if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net --strict /usr/share/metainfo/app.glassbox.Glassbox.metainfo.xml; fi

if [ "$keep" != "--keep" ]; then
    step "removing"
    as_root dpkg -r glassbox
fi
step "install test passed"
