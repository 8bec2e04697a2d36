# SPDX-License-Identifier: MIT
"""Reference attributions on the tiny model fixtures, for tests/attribution/tst_attributionlm.

Run with Debian's interpreter (python3-torch and numpy; Captum is not installed and not needed):

    /usr/bin/python3 tests/reference/make_attribution_fixtures.py [OUTPUT_JSON]

Integrated Gradients is written here directly from its definition (Sundararajan et al. 2017,
spec-facts 9.1): IG = (x - x') * sum_k w_k dF(x' + a_k (x - x'))/dx, in float64, with
Gauss-Legendre nodes from numpy (not the C++ code's Newton iteration) and Riemann sums. The
forward passes are the float64 ones of make_model_fixtures.py, run on the weights read back from
the committed model.safetensors files.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_model_fixtures as mm  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "fixtures", "models")


def read_safetensors(path):
    """name -> float64 tensor, for F32 / F16 / BF16 files."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        raw = data[e["data_offsets"][0]:e["data_offsets"][1]]
        if e["dtype"] == "F32":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f4").copy())
        elif e["dtype"] == "F16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f2").copy()).to(torch.float32)
        elif e["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            t = torch.from_numpy(bits.view(np.float32).copy())
        else:
            raise ValueError(e["dtype"])
        out[name] = t.to(torch.float64).reshape(e["shape"])
    return out


class Model:
    """A fixture model as a function of its token embeddings [T, d] (positions added inside)."""

    def __init__(self, name):
        folder = os.path.join(MODELS, name)
        with open(os.path.join(folder, "config.json")) as f:
            self.cfg = json.load(f)
        self.W = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.gpt2 = self.cfg["model_type"] == "gpt2"
        self.embed_name = "wte.weight" if self.gpt2 else "gpt_neox.embed_in.weight"
        self.forward = mm.gpt2_forward if self.gpt2 else mm.neox_forward

    def embed(self, ids):
        return self.W[self.embed_name][ids]

    def positions(self, T):
        return self.W["wpe.weight"][:T] if self.gpt2 else torch.zeros(T, self.W[self.embed_name].shape[1],
                                                                         dtype=torch.float64)

    def logits(self, E):
        """Logits [T, vocab] from token embeddings E [T, d], differentiable in E.

        The fixture forwards look embeddings up by id, so E is prepended to the embedding matrix
        and looked up as ids 0..T-1. GPT-2's unembedding is tied to that matrix: its T extra
        logit columns (which would depend on E) are dropped before any use."""
        T = E.shape[0]
        W = dict(self.W)
        W[self.embed_name] = torch.cat([E, self.W[self.embed_name]], 0)
        logits = self.forward(self.cfg, W, torch.arange(T))["logits"]
        return logits[:, T:] if self.gpt2 else logits


def target_value(logits, t):
    row = logits[t["position"]]
    kind = t["kind"]
    if kind == "logit":
        return row[t["token"]]
    if kind == "logit_diff":
        return row[t["token"]] - row[t["foil"]]
    if kind == "prob":
        return torch.softmax(row, 0)[t["token"]]
    return torch.log_softmax(row, 0)[t["token"]]


def rule(quadrature, n):
    if quadrature == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(n)
        return (1 + x) / 2, w / 2
    if quadrature == "riemann_right":
        return np.arange(1, n + 1) / n, np.full(n, 1.0 / n)
    raise ValueError(quadrature)


def integrated_gradients(F, x, x0, quadrature, steps):
    """(x - x0) * sum_k w_k dF(x0 + a_k (x - x0))/dx, and the gradient function used."""
    def grad(inp):
        inp = inp.detach().requires_grad_(True)
        return torch.autograd.grad(F(inp), inp)[0]

    alphas, weights = rule(quadrature, steps)
    total = torch.zeros_like(x)
    for a, w in zip(alphas, weights):
        total += float(w) * grad(x0 + float(a) * (x - x0))
    return (x - x0) * total, grad


def case(name, model_name, ids, target, wrt, baseline, quadrature, steps):
    m = Model(model_name)
    T = len(ids)
    pos = m.positions(T)
    tok = m.embed(torch.tensor(ids))
    # The path's input: token embeddings, or the whole residual entering block 0.
    x = tok if wrt == "token_embeddings" else tok + pos
    if baseline == "zero":
        x0 = torch.zeros_like(x)
    else:
        b = m.embed(torch.full((T,), int(baseline.split(":")[1])))
        x0 = b if wrt == "token_embeddings" else b + pos

    def F(inp):
        E = inp if wrt == "token_embeddings" else inp - pos
        return target_value(m.logits(E), target)

    ig, grad = integrated_gradients(F, x, x0, quadrature, steps)
    f_x, f_0 = F(x).item(), F(x0).item()
    return {
        "name": name, "model": model_name, "ids": ids, "target": target, "wrt": wrt, "baseline": baseline,
        "quadrature": quadrature, "steps": steps, "f_x": f_x, "f_baseline": f_0,
        "delta": ig.sum().item() - (f_x - f_0),
        "attributions": ig.reshape(-1).tolist(), "gradient": grad(x).reshape(-1).tolist(),
        "shape": list(ig.shape),
    }


def feature_case(name, model_name, ids, hook, position, baseline, steps, d_sae=8, seed=3):
    """IG of one SAE feature's activation at `position` (spec-facts 9.1 with F = the feature), for
    a standard SAE (SAELens "standard", apply_b_dec_to_input): f = relu((h - b_dec) W_enc + b_enc).
    The SAE is random; its weights go into the fixture so the C++ test can write it as a SAELens
    folder. The explained feature is the one most active at the position on the prompt."""
    m = Model(model_name)
    T, d = len(ids), m.cfg["n_embd"]
    gen = torch.Generator().manual_seed(seed)
    sae = {"W_enc": torch.randn(d, d_sae, generator=gen, dtype=torch.float64) * 0.5,
           "b_enc": torch.randn(d_sae, generator=gen, dtype=torch.float64) * 0.1,
           "W_dec": torch.randn(d_sae, d, generator=gen, dtype=torch.float64) * 0.5,
           "b_dec": torch.randn(d, generator=gen, dtype=torch.float64) * 0.1}
    # float32 as stored on disk, so both sides use the same weights
    sae = {k: v.to(torch.float32).to(torch.float64) for k, v in sae.items()}

    def hook_value(E):
        W = dict(m.W)
        W[m.embed_name] = torch.cat([E, m.W[m.embed_name]], 0)
        return m.forward(m.cfg, W, torch.arange(T))[hook][position]

    def features(E):
        return torch.relu((hook_value(E) - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"])

    x = m.embed(torch.tensor(ids))
    x0 = m.embed(torch.full((T,), int(baseline.split(":")[1])))
    feature = int(torch.argmax(features(x)).item())

    def F(inp):
        return features(inp)[feature]

    ig, _ = integrated_gradients(F, x, x0, "gausslegendre", steps)
    f_x, f_0 = F(x).item(), F(x0).item()
    return {
        "name": name, "model": model_name, "ids": ids,
        "target": {"kind": "feature", "hook": hook, "feature": feature, "position": position},
        "wrt": "token_embeddings", "baseline": baseline, "quadrature": "gausslegendre", "steps": steps,
        "f_x": f_x, "f_baseline": f_0, "delta": ig.sum().item() - (f_x - f_0),
        "attributions": ig.reshape(-1).tolist(), "shape": list(ig.shape),
        "sae": {"architecture": "standard", "d_in": d, "d_sae": d_sae, "hook": hook,
                **{k: v.reshape(-1).tolist() for k, v in sae.items()}},
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "fixtures", "attribution", "ig_reference.json")
    torch.set_num_threads(1)
    ids = mm.PROMPT
    cases = [
        case("gpt2 logprob, token baseline, gauss-legendre", "gpt2-tiny", ids,
             {"kind": "logprob", "token": 9, "position": len(ids) - 1}, "token_embeddings", "token:0",
             "gausslegendre", 32),
        case("gpt2 logit difference at position 4, zero baseline over resid_pre", "gpt2-tiny", ids,
             {"kind": "logit_diff", "token": 9, "foil": 4, "position": 4}, "resid_pre", "zero",
             "gausslegendre", 16),
        case("gpt2 logit, zero baseline, riemann right", "gpt2-tiny", ids,
             {"kind": "logit", "token": 20, "position": len(ids) - 1}, "token_embeddings", "zero",
             "riemann_right", 16),
        case("neox prob, token baseline, gauss-legendre", "neox-tiny", ids,
             {"kind": "prob", "token": 11, "position": len(ids) - 1}, "token_embeddings", "token:0",
             "gausslegendre", 32),
        feature_case("gpt2 SAE feature at blocks.0.hook_resid_post, position 5", "gpt2-tiny", ids,
                     "blocks.0.hook_resid_post", 5, "token:0", 32),
    ]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"generator": "tests/reference/make_attribution_fixtures.py", "cases": cases}, f)
        f.write("\n")
    for c in cases:
        print(f"{c['name']}: f_x {c['f_x']:.6f} f_baseline {c['f_baseline']:.6f} delta {c['delta']:.2e}")


if __name__ == "__main__":
    main()
