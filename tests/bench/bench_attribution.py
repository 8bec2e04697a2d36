#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Eager-PyTorch Integrated Gradients: the Python side of tests/bench/bench_attribution.cpp
(which runs it; see docs/BENCHMARKS.md, "Attribution").

    bench_attribution.py MODEL_DIR THREADS STEPS BATCH HEAD BASELINE_TOKEN TARGET_TOKEN ID,ID,...

Loads the GPT-2 checkpoint the C++ side wrote (model.safetensors, read by hand: the
`safetensors` package is not installed), runs a plain eager GPT-2 forward from token embeddings
(learned positions added, causal softmax attention, tanh-GELU, tied unembedding), and computes
IG of log p(TARGET | prompt) at the last position over the token embeddings with a
BASELINE_TOKEN baseline: n-point Gauss-Legendre (numpy's nodes), steps in batches of BATCH
(Captum's internal_batch_size), torch.autograd.grad per batch. HEAD "full" unembeds every
position, as a Hugging Face model under Captum does; "last" unembeds only the explained one.
Prints one JSON line: seconds and CPU seconds (IG only; loading and a warm-up excluded), f_x, f_baseline, delta,
per-token scores, peak RSS.
"""
import json
import math
import resource
import struct
import sys
import time

import numpy as np
import torch


def load(folder):
    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    with open(folder + "/model.safetensors", "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    W = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e["dtype"]
        a, b = e["data_offsets"]
        W[name] = torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(b - a) // 4, offset=a)).view(e["shape"])
    return cfg, {k[len("transformer."):] if k.startswith("transformer.") else k: v for k, v in W.items()}


def gpt2(cfg, W, E, head):
    """Log-softmax over the vocabulary [B, V] at the last position, from token embeddings [B, T, d]."""
    B, T, d = E.shape
    H = cfg["n_head"]
    dh = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    x = E + W["wpe.weight"][:T]
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        h = torch.nn.functional.layer_norm(x, (d,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        qkv = torch.addmm(W[p + "attn.c_attn.bias"], h.reshape(-1, d), W[p + "attn.c_attn.weight"]).view(B, T, 3, H, dh)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each [B, H, T, dh]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        z = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(-1, d)
        x = x + torch.addmm(W[p + "attn.c_proj.bias"], z, W[p + "attn.c_proj.weight"]).view(B, T, d)
        h = torch.nn.functional.layer_norm(x, (d,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        m = torch.nn.functional.gelu(torch.addmm(W[p + "mlp.c_fc.bias"], h.reshape(-1, d), W[p + "mlp.c_fc.weight"]),
                                     approximate="tanh")
        x = x + torch.addmm(W[p + "mlp.c_proj.bias"], m, W[p + "mlp.c_proj.weight"]).view(B, T, d)
    x = torch.nn.functional.layer_norm(x, (d,), W["ln_f.weight"], W["ln_f.bias"], eps)
    if head == "full":
        return torch.log_softmax(x @ W["wte.weight"].T, -1)[:, -1]
    return torch.log_softmax(x[:, -1] @ W["wte.weight"].T, -1)


def main():
    folder, threads, steps, batch, head, base_tok, target, ids = sys.argv[1:9]
    threads, steps, batch, base_tok, target = int(threads), int(steps), int(batch), int(base_tok), int(target)
    ids = [int(t) for t in ids.split(",")]
    torch.set_num_threads(threads)
    cfg, W = load(folder)
    wte = W["wte.weight"]
    x = wte[ids].clone()
    x0 = wte[[base_tok] * len(ids)].clone()
    F = lambda inp: gpt2(cfg, W, inp, head)[:, target]  # noqa: E731

    def ig():
        nodes, weights = np.polynomial.legendre.leggauss(steps)
        alphas = torch.tensor((1 + nodes) / 2, dtype=torch.float32)
        w = torch.tensor(weights / 2, dtype=torch.float32)
        total = torch.zeros_like(x)
        for s in range(0, steps, batch):
            a = alphas[s:s + batch].view(-1, 1, 1)
            path = (x0 + a * (x - x0)).requires_grad_(True)
            g = torch.autograd.grad(F(path).sum(), path)[0]
            total += (g * w[s:s + batch].view(-1, 1, 1)).sum(0)
        return (x - x0) * total

    with torch.no_grad():  # warm-up: one forward of the batch shape
        F(x.expand(min(batch, steps), -1, -1).contiguous())
    t0, c0 = time.perf_counter(), time.process_time()
    attr = ig()
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    with torch.no_grad():
        fx, f0 = F(torch.stack([x, x0])).tolist()
    print(json.dumps({
        "seconds": seconds, "cpu_seconds": cpu_seconds, "f_x": fx, "f_baseline": f0, "delta": attr.sum().item() - (fx - f0),
        "scores": attr.sum(1).tolist(), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(), "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
