#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets (built with: cmake --preset fuzz && ninja -C build-fuzz
# fuzz_safetensors_header fuzz_tokenizer fuzz_npz), niced, each for SECONDS (default 600), in
# parallel. Corpora grow in build-fuzz/fuzz-corpus/<target>, logs go to build-fuzz/fuzz-logs,
# crashes to build-fuzz/fuzz-artifacts. Usage: tests/fuzz/run_fuzzers.sh [SECONDS] [TARGET...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
build=$root/build-fuzz
seconds=${1:-600}
shift || true
targets=${*:-fuzz_safetensors_header fuzz_tokenizer fuzz_npz}
corpus=$build/fuzz-corpus
mkdir -p "$corpus" "$build/fuzz-logs" "$build/fuzz-artifacts"
/usr/bin/python3 "$here/make_seeds.py" "$corpus" "$root/tests/fixtures/npz"
pids=()
for t in $targets; do
    dict=()
    [ "$t" = fuzz_npz ] || dict=(-dict="$here/json.dict")
    nice -n 15 "$build/tests/fuzz/$t" "$corpus/$t" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -max_len=65536 -timeout=20 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t-" \
        > "$build/fuzz-logs/$t.log" 2>&1 &
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
for t in $targets; do
    echo "== $t"
    grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$build/fuzz-logs/$t.log" | tail -6
done
exit $status
