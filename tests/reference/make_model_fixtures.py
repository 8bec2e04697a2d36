# SPDX-License-Identifier: MIT
"""Builds the tiny model fixtures under tests/fixtures/models/ and their expected outputs.

Run with Debian's interpreter (it has python3-torch and numpy; `transformers` is not needed):

    /usr/bin/python3 tests/reference/make_model_fixtures.py [OUTPUT_DIR]

Each fixture is a Hugging Face layout folder (config.json + model.safetensors) with random
weights and random, non-trivial LayerNorm parameters, plus `expected.safetensors` holding the
logits and every hook of one prompt. The forward passes below are written from the published
formulas (GPT-2: Radford et al. 2019 / HF `modeling_gpt2`; GPT-NeoX: Black et al. 2022 / HF
`modeling_gpt_neox`; hook names from TransformerLens), in float64, independently of the C++
runtime they check. safetensors files are written by hand (8-byte length, JSON header, data).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

PROMPT = [3, 17, 42, 5, 30, 1, 33]


# ----------------------------------------------------------------------------- safetensors

def _dtype_bytes(t, dtype):
    """Little-endian bytes of float tensor `t` stored as `dtype` (F32, F16 or BF16)."""
    if dtype == "F32":
        return t.to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).contiguous().numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        return t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
    raise ValueError(dtype)


def stored(t, dtype):
    """The value a reader gets back after widening `t` stored as `dtype`, in float64."""
    torch_dtype = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dtype]
    return t.to(torch_dtype).to(torch.float64)


def write_safetensors(path, tensors, dtype="F32"):
    """tensors: dict name -> torch tensor. Header padded with spaces to 8 bytes, like the
    reference writer; tensors laid out in name order."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = _dtype_bytes(tensors[name], dtype)
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------- shared maths

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)  # biased variance, as torch.nn.LayerNorm
    return (x - mu) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def gelu_exact(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def causal_attention(q, k, v, scale):
    """q, k, v: [T, H, dh]. Returns (pattern [H, T, T], z [T, H, dh])."""
    T = q.shape[0]
    scores = torch.einsum("qhd,khd->hqk", q, k) * scale
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(future, torch.finfo(scores.dtype).min)
    pattern = torch.softmax(scores, dim=-1)
    z = torch.einsum("hqk,khd->qhd", pattern, v)
    return pattern, z


def random_ln(gen, d):
    w = 1.0 + 0.3 * torch.randn(d, generator=gen, dtype=torch.float64)
    b = 0.2 * torch.randn(d, generator=gen, dtype=torch.float64)
    return w, b


def randn(gen, *shape, std):
    return std * torch.randn(*shape, generator=gen, dtype=torch.float64)


# ----------------------------------------------------------------------------- GPT-2

def gpt2_weights(cfg, gen):
    d, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
    m = cfg["n_inner"] or 4 * d
    W = {"wte.weight": randn(gen, V, d, std=0.5), "wpe.weight": randn(gen, P, d, std=0.3)}
    for i in range(L):
        p = f"h.{i}."
        W[p + "ln_1.weight"], W[p + "ln_1.bias"] = random_ln(gen, d)
        W[p + "attn.c_attn.weight"] = randn(gen, d, 3 * d, std=0.4)   # Conv1D: [in, out]
        W[p + "attn.c_attn.bias"] = randn(gen, 3 * d, std=0.1)
        W[p + "attn.c_proj.weight"] = randn(gen, d, d, std=0.3)
        W[p + "attn.c_proj.bias"] = randn(gen, d, std=0.1)
        W[p + "ln_2.weight"], W[p + "ln_2.bias"] = random_ln(gen, d)
        W[p + "mlp.c_fc.weight"] = randn(gen, d, m, std=0.3)
        W[p + "mlp.c_fc.bias"] = randn(gen, m, std=0.1)
        W[p + "mlp.c_proj.weight"] = randn(gen, m, d, std=0.2)
        W[p + "mlp.c_proj.bias"] = randn(gen, d, std=0.1)
    W["ln_f.weight"], W["ln_f.bias"] = random_ln(gen, d)
    return W


def gpt2_forward(cfg, W, ids):
    d, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
    dh, T = d // H, len(ids)
    hooks = {}
    embed = W["wte.weight"][ids]
    pos = W["wpe.weight"][:T]
    hooks["hook_embed"], hooks["hook_pos_embed"] = embed, pos
    x = embed + pos
    for i in range(L):
        p, b = f"h.{i}.", f"blocks.{i}."
        hooks[b + "hook_resid_pre"] = x
        h = layer_norm(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        hooks[b + "ln1.hook_normalized"] = h
        qkv = h @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
        q, k, v = (t.reshape(T, H, dh) for t in qkv.split(d, dim=-1))
        hooks[b + "attn.hook_q"], hooks[b + "attn.hook_k"], hooks[b + "attn.hook_v"] = q, k, v
        pattern, z = causal_attention(q, k, v, 1.0 / math.sqrt(dh))
        hooks[b + "attn.hook_pattern"], hooks[b + "attn.hook_z"] = pattern, z
        attn_out = z.reshape(T, d) @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        hooks[b + "hook_attn_out"] = attn_out
        x = x + attn_out
        hooks[b + "hook_resid_mid"] = x
        h2 = layer_norm(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        hooks[b + "ln2.hook_normalized"] = h2
        pre = h2 @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"]
        post = gelu_new(pre)
        mlp_out = post @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
        hooks[b + "mlp.hook_pre"], hooks[b + "mlp.hook_post"] = pre, post
        hooks[b + "hook_mlp_out"] = mlp_out
        x = x + mlp_out
        hooks[b + "hook_resid_post"] = x
    final = layer_norm(x, W["ln_f.weight"], W["ln_f.bias"], eps)
    hooks["ln_final.hook_normalized"] = final
    hooks["logits"] = final @ W["wte.weight"].T  # tied unembedding
    return hooks


# ----------------------------------------------------------------------------- GPT-NeoX

def neox_weights(cfg, gen):
    d, V, L, m = cfg["hidden_size"], cfg["vocab_size"], cfg["num_hidden_layers"], cfg["intermediate_size"]
    W = {"gpt_neox.embed_in.weight": randn(gen, V, d, std=0.5),
         "embed_out.weight": randn(gen, V, d, std=0.3)}
    for i in range(L):
        p = f"gpt_neox.layers.{i}."
        W[p + "input_layernorm.weight"], W[p + "input_layernorm.bias"] = random_ln(gen, d)
        W[p + "post_attention_layernorm.weight"], W[p + "post_attention_layernorm.bias"] = random_ln(gen, d)
        W[p + "attention.query_key_value.weight"] = randn(gen, 3 * d, d, std=0.3)  # Linear: [out, in]
        W[p + "attention.query_key_value.bias"] = randn(gen, 3 * d, std=0.1)
        W[p + "attention.dense.weight"] = randn(gen, d, d, std=0.25)
        W[p + "attention.dense.bias"] = randn(gen, d, std=0.1)
        W[p + "mlp.dense_h_to_4h.weight"] = randn(gen, m, d, std=0.25)
        W[p + "mlp.dense_h_to_4h.bias"] = randn(gen, m, std=0.1)
        W[p + "mlp.dense_4h_to_h.weight"] = randn(gen, d, m, std=0.2)
        W[p + "mlp.dense_4h_to_h.bias"] = randn(gen, d, std=0.1)
    W["gpt_neox.final_layer_norm.weight"], W["gpt_neox.final_layer_norm.bias"] = random_ln(gen, d)
    return W


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_partial_rotary(x, rot, base):
    """x: [T, H, dh]; rotates the first `rot` dims of each head (pairs j and j + rot/2)."""
    T = x.shape[0]
    inv_freq = 1.0 / (base ** (torch.arange(0, rot, 2, dtype=torch.float64) / rot))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)[:, None, :]  # [T, 1, rot]
    x_rot, x_pass = x[..., :rot], x[..., rot:]
    return torch.cat((x_rot * emb.cos() + rotate_half(x_rot) * emb.sin(), x_pass), dim=-1)


def neox_forward(cfg, W, ids):
    d, H, L = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    eps, dh, T = cfg["layer_norm_eps"], d // H, len(ids)
    rot = int(dh * cfg["rotary_pct"])
    hooks = {}
    x = W["gpt_neox.embed_in.weight"][ids]
    hooks["hook_embed"] = x
    for i in range(L):
        p, b = f"gpt_neox.layers.{i}.", f"blocks.{i}."
        hooks[b + "hook_resid_pre"] = x
        h = layer_norm(x, W[p + "input_layernorm.weight"], W[p + "input_layernorm.bias"], eps)
        hooks[b + "ln1.hook_normalized"] = h
        qkv = h @ W[p + "attention.query_key_value.weight"].T + W[p + "attention.query_key_value.bias"]
        qkv = qkv.reshape(T, H, 3 * dh)  # per head (q, k, v): the [H, 3, dh] interleaving
        q, k, v = qkv[..., :dh], qkv[..., dh:2 * dh], qkv[..., 2 * dh:]
        hooks[b + "attn.hook_q"], hooks[b + "attn.hook_k"], hooks[b + "attn.hook_v"] = q, k, v
        q = apply_partial_rotary(q, rot, cfg["rotary_emb_base"])
        k = apply_partial_rotary(k, rot, cfg["rotary_emb_base"])
        hooks[b + "attn.hook_rot_q"], hooks[b + "attn.hook_rot_k"] = q, k
        pattern, z = causal_attention(q, k, v, 1.0 / math.sqrt(dh))
        hooks[b + "attn.hook_pattern"], hooks[b + "attn.hook_z"] = pattern, z
        attn_out = z.reshape(T, d) @ W[p + "attention.dense.weight"].T + W[p + "attention.dense.bias"]
        hooks[b + "hook_attn_out"] = attn_out
        if cfg["use_parallel_residual"]:
            mlp_in = x
        else:
            mlp_in = x + attn_out
            hooks[b + "hook_resid_mid"] = mlp_in
        h2 = layer_norm(mlp_in, W[p + "post_attention_layernorm.weight"], W[p + "post_attention_layernorm.bias"], eps)
        hooks[b + "ln2.hook_normalized"] = h2
        pre = h2 @ W[p + "mlp.dense_h_to_4h.weight"].T + W[p + "mlp.dense_h_to_4h.bias"]
        post = gelu_exact(pre)
        mlp_out = post @ W[p + "mlp.dense_4h_to_h.weight"].T + W[p + "mlp.dense_4h_to_h.bias"]
        hooks[b + "mlp.hook_pre"], hooks[b + "mlp.hook_post"] = pre, post
        hooks[b + "hook_mlp_out"] = mlp_out
        x = x + attn_out + mlp_out if cfg["use_parallel_residual"] else mlp_in + mlp_out
        hooks[b + "hook_resid_post"] = x
    final = layer_norm(x, W["gpt_neox.final_layer_norm.weight"], W["gpt_neox.final_layer_norm.bias"], eps)
    hooks["ln_final.hook_normalized"] = final
    hooks["logits"] = final @ W["embed_out.weight"].T  # untied, no bias
    return hooks


# ----------------------------------------------------------------------------- fixtures

GPT2_CONFIG = {
    "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "activation_function": "gelu_new",
    "n_embd": 16, "n_head": 4, "n_layer": 2, "n_positions": 32, "n_ctx": 32, "n_inner": None,
    "vocab_size": 64, "layer_norm_epsilon": 1e-5, "bos_token_id": 0, "eos_token_id": 0,
}

NEOX_CONFIG = {
    "model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"], "hidden_act": "gelu",
    "hidden_size": 32, "num_attention_heads": 2, "num_hidden_layers": 2, "intermediate_size": 48,
    "vocab_size": 64, "max_position_embeddings": 32, "layer_norm_eps": 1e-5, "rotary_pct": 0.25,
    "rotary_emb_base": 10000, "use_parallel_residual": True, "tie_word_embeddings": False,
    "bos_token_id": 0, "eos_token_id": 0,
}


def make_fixture(out_dir, name, cfg, make_weights, forward, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    weights = make_weights(cfg, gen)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(folder, "model.safetensors"), weights, dtype)
    # The reference runs on exactly the values the C++ reader sees after widening to float32.
    as_read = {k: stored(v, dtype) for k, v in weights.items()}
    hooks = forward(cfg, as_read, torch.tensor(PROMPT))
    write_safetensors(os.path.join(folder, "expected.safetensors"), hooks, "F32")
    print(f"{name}: {len(weights)} tensors ({dtype}), {len(hooks)} expected outputs")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "fixtures", "models")
    torch.set_num_threads(1)
    make_fixture(out_dir, "gpt2-tiny", GPT2_CONFIG, gpt2_weights, gpt2_forward, "F32", 1)
    make_fixture(out_dir, "neox-tiny", NEOX_CONFIG, neox_weights, neox_forward, "F16", 2)
    sequential = dict(NEOX_CONFIG, use_parallel_residual=False, rotary_pct=0.5, rotary_emb_base=1000)
    make_fixture(out_dir, "neox-tiny-sequential", sequential, neox_weights, neox_forward, "BF16", 3)
    with open(os.path.join(out_dir, "prompt.json"), "w") as f:
        json.dump({"ids": PROMPT}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
