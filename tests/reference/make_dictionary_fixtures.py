#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes small sparse-dictionary folders and their expected encode/decode outputs.

Run with Debian's python3 + python3-torch:  /usr/bin/python3 tests/reference/make_dictionary_fixtures.py
Output: tests/fixtures/dictionaries/<case>/ with the dictionary files (SAELens cfg.json +
sae_weights.safetensors [+ sparsity.safetensors], or OpenMOSS config.json + sae_weights.safetensors)
and io.safetensors holding x, features and reconstruction computed here.

The reference below implements the formulas of spec-facts 1.3 and 3.5 directly in torch, float64
on the float32 (or half-precision-rounded) weights, independently of the C++ code. Random draws are
re-done until no pre-activation lies within 1e-3 of a JumpReLU threshold or of the top-k cut, so
float32 rounding in the C++ cannot flip a gate.
"""
import json
import math
import os
import shutil
import struct

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "dictionaries")
D_IN, D_SAE, N = 8, 12, 6
MARGIN = 1e-3
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}


def write_safetensors(path, tensors, metadata=None):
    """safetensors by hand (the package is not in Debian): header JSON padded to 8 bytes, then data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dim() else t.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---- reference formulas (spec-facts 3.5 for SAELens, 1.3 for OpenMOSS) -------------------------

def normalise_in(x, mode, d_in):
    if mode == "constant_norm_rescale":
        s = math.sqrt(d_in) / x.norm(dim=-1, keepdim=True)
        return x * s, lambda y: y / s
    if mode == "layer_norm":
        mu = x.mean(dim=-1, keepdim=True)
        c = x - mu
        sd = c.std(dim=-1, keepdim=True)  # Bessel-corrected, as torch.std
        return c / (sd + 1e-5), lambda y: y * sd + mu
    return x, lambda y: y


def topk_keep(h, k):
    """The k largest per row (all values distinct by construction)."""
    idx = torch.topk(h, k, dim=-1).indices
    mask = torch.zeros_like(h, dtype=torch.bool)
    mask.scatter_(-1, idx, True)
    return mask


def saelens_forward(w, cfg, x):
    arch = cfg.get("architecture", "standard")
    if cfg.get("activation_fn_str") == "topk":  # pre-6 conversion (spec-facts 3.3)
        arch = "topk"
    if arch == "batchtopk":  # saved for inference as jumprelu (spec-facts 3.2)
        arch = "jumprelu"
    transcoder = "transcoder" in arch
    d_in = x.shape[-1]
    xs, undo = normalise_in(x, cfg.get("normalize_activations", "none"), d_in)
    if cfg.get("apply_b_dec_to_input", False):
        xs = xs - w["b_dec"]
    dec_norm = w["W_dec"].norm(dim=-1)
    if arch == "gated":
        proj = xs @ w["W_enc"]
        gate = (proj + w["b_gate"]) > 0
        mag = torch.relu(xs @ (w["W_enc"] * w["r_mag"].exp()) + w["b_mag"])
        f, pre = gate * mag, proj + w["b_gate"]
        cut = torch.zeros_like(pre)
    else:
        pre = xs @ w["W_enc"] + w["b_enc"]
        if cfg.get("rescale_acts_by_decoder_norm"):
            pre = pre * dec_norm
        if arch in ("jumprelu", "jumprelu_transcoder"):
            f = torch.relu(pre) * (pre > w["threshold"])
            cut = w["threshold"].expand_as(pre)
        elif arch == "topk":
            k = cfg["k"] if "k" in cfg else cfg["activation_fn_kwargs"]["k"]
            f = torch.relu(pre) * topk_keep(pre, k)
            kth = torch.topk(pre, k + 1, dim=-1).values
            cut = ((kth[..., k - 1] + kth[..., k]) / 2).unsqueeze(-1).expand_as(pre)
        else:
            f = torch.relu(pre)
            cut = torch.zeros_like(pre)
    g = f / dec_norm if cfg.get("rescale_acts_by_decoder_norm") else f
    if "scaling_factor" in w:
        g = g * w["scaling_factor"]
    y = g @ w["W_dec"] + w["b_dec"]
    if not transcoder:
        y = undo(y)
    if arch == "skip_transcoder":
        y = y + x @ w["W_skip"].T
    return f, y, (pre - cut).abs().min().item()


def openmoss_forward(w, cfg, x, norms):
    c_in = math.sqrt(cfg["d_model"]) / norms[cfg["hook_point_in"]]
    c_out = math.sqrt(cfg["d_model"]) / norms[cfg["hook_point_out"]]
    n = w["W_D"].norm(dim=-1)
    pre = (x * c_in) @ w["W_E"] + w["b_E"]
    gated = pre * n
    theta = w["activation_function.log_jumprelu_threshold"].exp()
    f = gated * (gated > theta) / n
    y = (f @ w["W_D"] + w["b_D"]) / c_out
    return f, y, (gated - theta).abs().min().item()


# ---- cases --------------------------------------------------------------------------------------

def weights(arch, gen, d_in=D_IN, d_sae=D_SAE, d_out=None):
    d_out = d_out or d_in
    r = lambda *s: torch.randn(*s, generator=gen, dtype=torch.float64).float()
    w = {"W_enc": r(d_in, d_sae) * 0.5, "W_dec": r(d_sae, d_out) * 0.5, "b_dec": r(d_out) * 0.2}
    if arch == "gated":
        w.update(b_gate=r(d_sae) * 0.3, b_mag=r(d_sae) * 0.3, r_mag=r(d_sae) * 0.2)
    else:
        w["b_enc"] = r(d_sae) * 0.3
    if "jumprelu" in arch:
        w["threshold"] = torch.rand(d_sae, generator=gen, dtype=torch.float64).float() * 0.8
    if arch == "skip_transcoder":
        w["W_skip"] = r(d_out, d_in) * 0.3
    return w


def v6_cfg(arch, hook="blocks.1.hook_resid_post", **extra):
    cfg = {"architecture": arch, "d_in": D_IN, "d_sae": D_SAE, "dtype": "float32", "device": "cpu",
           "apply_b_dec_to_input": "transcoder" not in arch, "normalize_activations": "none",
           "reshape_activations": "none",
           "metadata": {"model_name": "tiny-gpt2", "hook_name": hook, "hook_head_index": None,
                        "context_size": 16, "prepend_bos": True, "sae_lens_version": "6.18.0"}}
    cfg.update(extra)
    return cfg


def make_case(name, build, seed):
    """`build(gen)` -> (files dict, x, forward(x) -> (f, y, margin)); retried until the margin holds."""
    for attempt in range(200):
        gen = torch.Generator().manual_seed(seed * 1000 + attempt)
        files, x, forward = build(gen)
        f, y, margin = forward(x.double())
        if margin > MARGIN:
            break
    else:
        raise RuntimeError(name + ": no draw with a safe margin")
    out = os.path.join(ROOT, name)
    shutil.rmtree(out.split("/layer_")[0] if "/layer_" in name else out, ignore_errors=True)
    os.makedirs(out)
    for fname, content in files.items():
        path = os.path.join(out, fname)
        if isinstance(content, dict) and fname.endswith(".safetensors"):
            write_safetensors(path, content)
        elif fname.endswith(".npz"):
            import numpy as np
            arrays, compressed = content
            (np.savez_compressed if compressed else np.savez)(path, **arrays)
        else:
            with open(path, "w") as fh:
                json.dump(content, fh, indent=2)
    write_safetensors(os.path.join(out, "io.safetensors"),
                      {"x": x.float(), "features": f.float(), "reconstruction": y.float()})


def saelens_case(arch, cfg_fn, x_shape=(N, D_IN), d_out=None, extra_w=None, stored=None):
    def build(gen):
        w = weights(arch, gen, d_out=d_out)
        if extra_w:
            extra_w(w, gen)
        cfg = cfg_fn()
        on_disk = stored(w, cfg) if stored else w
        x = torch.randn(*x_shape, generator=gen, dtype=torch.float64).float() * 2
        ref_cfg = dict(cfg)
        files = {"cfg.json": cfg, "sae_weights.safetensors": on_disk}

        def forward(xx):
            flat = xx.reshape(xx.shape[0], -1)
            wd = {k: v.double() for k, v in w.items()}
            f, y, m = saelens_forward(wd, ref_cfg, flat)
            return f, y.reshape(*xx.shape[:-1], -1) if y.shape[-1] == flat.shape[-1] and xx.dim() == 3 else y, m
        return files, x, forward
    return build


def main():
    torch.set_default_dtype(torch.float64)
    cases = {}
    cases["standard_v6"] = saelens_case("standard", lambda: v6_cfg("standard"))
    cases["gated_v6"] = saelens_case("gated", lambda: v6_cfg("gated"))
    cases["jumprelu_v6"] = saelens_case("jumprelu", lambda: v6_cfg("jumprelu"))
    cases["topk_v6_rescaled"] = saelens_case("topk", lambda: v6_cfg("topk", k=4, rescale_acts_by_decoder_norm=True))
    cases["layer_norm_v6"] = saelens_case("standard", lambda: v6_cfg("standard", normalize_activations="layer_norm"))
    cases["transcoder_v6"] = saelens_case(
        "transcoder", lambda: dict(v6_cfg("transcoder", hook="blocks.1.ln2.hook_normalized", d_out=6),
                                   metadata={"hook_name": "blocks.1.ln2.hook_normalized", "hook_name_out": "blocks.1.hook_mlp_out",
                                             "sae_lens_version": "6.18.0"}), d_out=6)
    cases["skip_transcoder_v6"] = saelens_case(
        "skip_transcoder", lambda: dict(v6_cfg("skip_transcoder", d_out=6),
                                        metadata={"hook_name": "blocks.1.ln2.hook_normalized", "hook_name_out": "blocks.1.hook_mlp_out",
                                                  "sae_lens_version": "6.18.0"}), d_out=6)
    cases["jumprelu_transcoder_v6"] = saelens_case(
        "jumprelu_transcoder", lambda: dict(v6_cfg("jumprelu_transcoder"),
                                            metadata={"hook_name": "blocks.1.ln2.hook_normalized",
                                                      "hook_name_out": "blocks.1.hook_mlp_out"}))

    # Pre-6 flat layouts: old key names, topk through activation_fn_kwargs, hook_z reshaping with
    # constant_norm_rescale, a legacy finetuning scaling factor.
    cases["topk_flat"] = saelens_case("topk", lambda: {
        "d_in": D_IN, "d_sae": D_SAE, "dtype": "float32", "device": "cpu", "model_name": "tiny-gpt2",
        "hook_point": "blocks.0.hook_resid_pre", "hook_point_layer": 0, "hook_point_head_index": None,
        "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 3}, "apply_b_dec_to_input": False,
        "context_size": 32, "sae_lens_training_version": "3.5.0"})
    cases["hook_z_flat"] = saelens_case("standard", lambda: {
        "architecture": "standard", "d_in": D_IN, "d_sae": D_SAE, "dtype": "float32", "model_name": "tiny-gpt2",
        "hook_name": "blocks.1.attn.hook_z", "hook_layer": 1, "hook_head_index": None,
        "activation_fn_str": "relu", "apply_b_dec_to_input": True,
        "normalize_activations": "constant_norm_rescale", "sae_lens_training_version": "5.11.0"},
        x_shape=(N, 2, D_IN // 2))

    def scaling(w, gen):
        w["scaling_factor"] = (torch.rand(D_SAE, generator=gen, dtype=torch.float64) + 0.5).float()
    cases["finetuning_scale_flat"] = saelens_case("standard", lambda: {
        "d_in": D_IN, "d_sae": D_SAE, "hook_name": "blocks.1.hook_resid_post", "apply_b_dec_to_input": True,
        "finetuning_scaling_factor": True, "normalize_activations": False}, extra_w=scaling)

    # expected_average_only_in with our norm_scaling_factor: the file stores unfolded weights and
    # the reference folds W_enc *= s, W_dec /= s, b_dec /= s.
    def unfolded(w, cfg):
        s = cfg["norm_scaling_factor"]
        stored = dict(w)
        stored["W_enc"], stored["W_dec"], stored["b_dec"] = w["W_enc"] / s, w["W_dec"] * s, w["b_dec"] * s
        return stored
    cases["expected_average_v6"] = saelens_case(
        "standard", lambda: v6_cfg("standard", normalize_activations="expected_average_only_in", norm_scaling_factor=2.5),
        stored=unfolded)

    # A BatchTopK training checkpoint: one learned global threshold, read as JumpReLU.
    def batchtopk_stored(w, cfg):
        stored = {k: v for k, v in w.items() if k != "threshold"}
        stored["topk_threshold"] = torch.tensor(float(w["threshold"][0]), dtype=torch.float64)
        return stored

    def global_threshold(w, gen):
        w["threshold"] = torch.full((D_SAE,), 0.35)
    cases["batchtopk_checkpoint"] = saelens_case("jumprelu", lambda: dict(v6_cfg("batchtopk", k=3.0)),
                                                 extra_w=global_threshold, stored=batchtopk_stored)

    for i, (name, build) in enumerate(cases.items()):
        make_case(name, build, i + 1)

    # Sparsity file for jumprelu_v6: log10 firing frequencies.
    gen = torch.Generator().manual_seed(99)
    write_safetensors(os.path.join(ROOT, "jumprelu_v6", "sparsity.safetensors"),
                      {"sparsity": (torch.rand(D_SAE, generator=gen) * -5).float()})

    # OpenMOSS JumpReLU SAE, dataset-wise normalisation, decoder-norm gating, stored in F16.
    def openmoss(gen):
        hook = "blocks.2.hook_resid_post"
        cfg = {"sae_type": "sae", "d_model": D_IN, "expansion_factor": D_SAE / D_IN, "act_fn": "jumprelu",
               "norm_activation": "dataset-wise", "sparsity_include_decoder_norm": True, "top_k": 50,
               "use_decoder_bias": True, "hook_point_in": hook, "hook_point_out": hook, "jumprelu_threshold_window": 2.0}
        r = lambda *s: (torch.randn(*s, generator=gen, dtype=torch.float64) * 0.5).half()
        w = {"W_E": r(D_IN, D_SAE), "b_E": r(D_SAE), "W_D": r(D_SAE, D_IN), "b_D": r(D_IN),
             "activation_function.log_jumprelu_threshold": (torch.rand(D_SAE, generator=gen, dtype=torch.float64) - 1.5).half()}
        norms = {hook: 3.0}
        on_disk = dict(w)
        on_disk["dataset_average_activation_norm." + hook] = torch.tensor(norms[hook], dtype=torch.float32)
        x = torch.randn(N, D_IN, generator=gen, dtype=torch.float64).float() * 2
        return ({"config.json": cfg, "sae_weights.safetensors": on_disk}, x,
                lambda xx: openmoss_forward({k: v.double() for k, v in w.items()}, cfg, xx, norms))
    make_case("openmoss_jumprelu", openmoss, 50)

    # OpenMOSS crosscoder over 3 snapshots: dataset-wise scaling c_s, summed pre-activations and
    # the decoder-norm-aware JumpReLU gate per snapshot (spec-facts 1.3).
    def crosscoder(gen):
        S, hooks = 3, ["step0", "step1000", "step143000"]
        cfg = {"sae_type": "crosscoder", "d_model": D_IN, "expansion_factor": D_SAE / D_IN, "act_fn": "jumprelu",
               "norm_activation": "dataset-wise", "sparsity_include_decoder_norm": True, "use_decoder_bias": True,
               "top_k": 50, "hook_points": hooks, "jumprelu_threshold_window": 4.0}
        r = lambda *s: (torch.randn(*s, generator=gen, dtype=torch.float64) * 0.4).float()
        w = {"W_E": r(S, D_IN, D_SAE), "b_E": r(S, D_SAE), "W_D": r(S, D_SAE, D_IN), "b_D": r(S, D_IN),
             "activation_function.log_jumprelu_threshold": (torch.rand(D_SAE, generator=gen, dtype=torch.float64) - 0.5).float()}
        w["W_D"][1, :4] *= 0.1  # a weak snapshot for some features, so the per-snapshot gate differs
        norms = [2.0, 3.0, 5.0]
        on_disk = dict(w)
        for h, n in zip(hooks, norms):
            on_disk["dataset_average_activation_norm." + h] = torch.tensor(n, dtype=torch.float32)
        x = torch.randn(N, S, D_IN, generator=gen, dtype=torch.float64).float() * 2

        def forward(xx):
            wd = {k: v.double() for k, v in w.items()}
            c = torch.tensor([math.sqrt(D_IN) / n for n in norms]).view(1, S, 1)
            z = torch.einsum("nsd,sdf->nf", xx * c, wd["W_E"]) + wd["b_E"].sum(0)
            n = wd["W_D"].norm(dim=-1)  # [S, F]
            theta = wd["activation_function.log_jumprelu_threshold"].exp()
            g = z.unsqueeze(1) * n
            f = g * (g > theta) / n
            y = (torch.einsum("nsf,sfd->nsd", f, wd["W_D"]) + wd["b_D"]) / c
            return f, y, (g - theta).abs().min().item()
        return {"config.json": cfg, "sae_weights.safetensors": on_disk}, x, forward
    make_case("openmoss_crosscoder", crosscoder, 70)

    # Gemma Scope params.npz: the hook comes from the path (an attention SAE reads hook_z, here
    # 2 heads x 4 dims); a transcoder with SAELens' lower-case w_enc / w_dec names, compressed.
    import numpy as np

    def gemma(kind, subdir, lower, compressed):
        def build(gen):
            w = weights("jumprelu_transcoder" if kind == "transcoders" else "jumprelu", gen)
            w.pop("b_dec")
            w["b_dec"] = (torch.randn(D_IN, generator=gen, dtype=torch.float64) * 0.2).float()
            arrays = {(k.lower() if lower and k.startswith("W_") else k): v.numpy() for k, v in w.items()}
            shape = (N, 2, D_IN // 2) if kind == "att" else (N, D_IN)
            x = torch.randn(*shape, generator=gen, dtype=torch.float64).float() * 2

            def forward(xx):
                flat = xx.reshape(N, -1)
                wd = {k: v.double() for k, v in w.items()}
                cfg = {"architecture": "jumprelu", "apply_b_dec_to_input": False}
                f, y, margin = saelens_forward(wd, cfg, flat)
                return f, y.reshape(xx.shape), margin
            return {"params.npz": (arrays, compressed)}, x, forward
        return build

    for kind, lower, compressed in (("att", False, False), ("transcoders", True, True)):
        name = "gemma-scope-2b-pt-%s/layer_1/width_tiny/average_l0_3" % kind
        make_case(name, gemma(kind, name, lower, compressed), 60 + len(kind))


if __name__ == "__main__":
    main()
