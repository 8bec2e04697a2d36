#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Renders the built-in example of every registered figure kind as a single-column PDF and
# rasterises the PDF (what a paper gets) to the PNG shown in README.md:
#     docs/figures/make.sh [path/to/glassbox-cli]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cli=${1:-$here/../../build/app/glassbox-cli}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
kinds=$("$cli" render --list --quiet | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["figure_kinds"]))')
for kind in $kinds; do
    "$cli" render --example "$kind" --preset single-column --out "$out/$kind.pdf" --quiet > /dev/null
    pdftoppm -r 200 -png -singlefile "$out/$kind.pdf" "$here/$kind"
    echo "$kind: $(pdffonts "$out/$kind.pdf" | tail -n +3 | awk '{print $1, "embedded=" $(NF-4)}' | tr '\n' ' ')"
done
