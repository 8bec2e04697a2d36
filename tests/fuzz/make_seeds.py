#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes seed inputs for the fuzz targets into OUT/<target>/ (see run_fuzzers.sh)."""
import json
import os
import shutil
import struct
import sys

out = sys.argv[1]
fixtures = sys.argv[2]


def write(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# safetensors headers (the target parses the header text alone).
write("fuzz_safetensors_header", "empty", "{}")
write("fuzz_safetensors_header", "two", json.dumps({
    "__metadata__": {"format": "pt"},
    "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
    "b": {"dtype": "BF16", "shape": [], "data_offsets": [24, 26]}}))
write("fuzz_safetensors_header", "padded", json.dumps(
    {"x": {"dtype": "I64", "shape": [0], "data_offsets": [0, 0]}}) + "       ")


def bytes_to_unicode():
    bs = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


alphabet = bytes_to_unicode()
vocab = {alphabet[b]: b for b in range(256)}
merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ã", "©")]
for a, b in merges:
    vocab[a + b] = len(vocab)
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": 300, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True},
                     {"id": 301, "content": "  ", "special": False}],
    "normalizer": {"type": "NFC"},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "post_processor": None, "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "vocab": vocab,
              "merges": [list(m) for m in merges]},
}
write("fuzz_tokenizer", "json_pairs", b"\x00" + json.dumps(tokenizer, ensure_ascii=False).encode())
tokenizer["model"]["merges"] = [" ".join(m) for m in merges]
write("fuzz_tokenizer", "json_strings", b"\x00" + json.dumps(tokenizer).encode())
write("fuzz_tokenizer", "vocab_merges", b"\x01" + json.dumps(vocab).encode() + b"\x00#version: 0.2\n"
      + "\n".join(" ".join(m) for m in merges).encode() + b"\n")
write("fuzz_tokenizer", "text", b"\x02" + "Hello world, don't  stop\n\n\tcafe\u0301 caf\u00e9 \U0001F600 日本語 1234 <|endoftext|> <m>x".encode())
write("fuzz_tokenizer", "bytes", b"\x02a\xff\xe6\x97 \xc3")

for name in sorted(os.listdir(fixtures)):
    if name.endswith(".npz"):
        os.makedirs(os.path.join(out, "fuzz_npz"), exist_ok=True)
        shutil.copy(os.path.join(fixtures, name), os.path.join(out, "fuzz_npz", name))
