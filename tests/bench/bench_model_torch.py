# SPDX-License-Identifier: MIT
"""Eager-PyTorch side of tests/bench/bench_model.cpp: GPT-2 forward throughput on the same
checkpoint, same batch shape and thread count. Run by bench_model; by hand:

    /usr/bin/python3 tests/bench/bench_model_torch.py DIR BATCH TOKENS THREADS ITERS

Weights are read from DIR/model.safetensors with numpy (no safetensors package needed). The
model is the usual batched formulation (as in HF's GPT2Model): fused qkv via addmm, matmul
attention with a causal mask, tanh-GELU, tied unembedding. Prints one JSON line.
"""
import json
import math
import struct
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")  # read-only mapping, as ours
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", name
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype="<f4").reshape(e["shape"]))
    return out


class Gpt2:
    def __init__(self, cfg, w):
        self.d, self.h, self.L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
        self.eps = cfg["layer_norm_epsilon"]
        self.w = w

    def conv1d(self, x, name):
        w, b = self.w[name + ".weight"], self.w[name + ".bias"]
        return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).view(*x.shape[:-1], w.shape[1])

    def ln(self, x, name):
        return F.layer_norm(x, (self.d,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def forward(self, ids):
        B, T = ids.shape
        dh = self.d // self.h
        x = F.embedding(ids, self.w["wte.weight"]) + self.w["wpe.weight"][:T]
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        for i in range(self.L):
            p = f"h.{i}."
            qkv = self.conv1d(self.ln(x, p + "ln_1"), p + "attn.c_attn").view(B, T, 3, self.h, dh)
            q, k, v = (qkv[:, :, j].transpose(1, 2) for j in range(3))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh)
            scores = scores.masked_fill(~causal, torch.finfo(scores.dtype).min)
            z = torch.matmul(torch.softmax(scores, -1), v).transpose(1, 2).reshape(B, T, self.d)
            x = x + self.conv1d(z, p + "attn.c_proj")
            hid = F.gelu(self.conv1d(self.ln(x, p + "ln_2"), p + "mlp.c_fc"), approximate="tanh")
            x = x + self.conv1d(hid, p + "mlp.c_proj")
        return F.linear(self.ln(x, "ln_f"), self.w["wte.weight"])


def main():
    folder, batch, tokens, threads, iters = sys.argv[1], *map(int, sys.argv[2:6])
    torch.set_num_threads(threads)
    cfg = json.load(open(folder + "/config.json"))
    t0 = time.perf_counter()
    model = Gpt2(cfg, load_safetensors(folder + "/model.safetensors"))
    load_s = time.perf_counter() - t0
    ids = torch.randint(0, cfg["vocab_size"], (batch, tokens), generator=torch.Generator().manual_seed(0))
    times, cpu = [], []
    with torch.inference_mode():
        model.forward(ids)  # warm-up: page in the weights, start the thread pool
        for _ in range(iters):
            t, c = time.perf_counter(), time.process_time()
            model.forward(ids)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    median = sorted(times)[len(times) // 2]
    median_cpu = sorted(cpu)[len(cpu) // 2]
    print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(), "load_s": load_s,
                      "median_s": median, "median_cpu_s": median_cpu, "tokens_per_s": batch * tokens / median}))


if __name__ == "__main__":
    main()
