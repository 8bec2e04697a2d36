#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the tabular-effects fixtures: small TorchScript models, a CSV data set with a sidecar,
and reference results computed independently of Glassbox:

* PDP / ICE with scikit-learn's `partial_dependence(method="brute")` wrapping the same TorchScript
  models (spec-facts 10.2);
* ALE with a plain numpy implementation of the algorithm of the authors' R package ALEPlot and of
  PyALE (spec-facts 10.3): type-1 quantile edges (and PyALE's n - 1 variant), local differences,
  count-weighted centring; second order with nearest-cell filling and main-effect removal;
  categorical levels ordered by KS / total-variation distances and 1-D classical MDS.

Run with Debian's python3 (python3-torch, python3-sklearn, python3-numpy, python3-scipy):
    PYTHONHASHSEED=0 /usr/bin/python3 tests/reference/tabular/make_tabular_fixtures.py tests/fixtures/tabular
(TorchScript lists a module's constants in string-hash order: without the fixed seed the .pt
files differ in bytes from run to run, though not in what they compute.)
"""

import json
import os
import sys

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.inspection import partial_dependence

FEATURES = ["age", "bmi (kg/m²)", "bp", "group"]
CATEGORICAL = 3


# --------------------------------------------------------------------------------------------
# Data and models


def make_data(n=60):
    rng = np.random.default_rng(7)
    group = rng.integers(0, 4, n)
    # Groups differ in bmi and bp so that the ALE level order is not the code order.
    bmi_shift = np.array([2.0, 9.0, -3.0, 5.0])[group]
    age = np.round(rng.uniform(20, 80, n), 1)
    bmi = np.round(18 + 0.12 * (age - 20) + bmi_shift + rng.normal(0, 1.5, n), 2)
    bp = np.round(70 + 0.4 * age + 2.0 * group + rng.normal(0, 5, n), 1)
    X = np.stack([age, bmi, bp, group.astype(float)], axis=1)
    # The C++ side holds float32: reference results use exactly those values.
    X = X.astype(np.float32).astype(np.float64)
    y = np.round(0.05 * X[:, 0] + 0.3 * X[:, 1] + rng.normal(0, 1, n), 3)
    return X, y


class Mlp(torch.nn.Module):
    def __init__(self, mean, std, width_in, hidden, outputs, squeeze: bool):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.fc1 = torch.nn.Linear(width_in, hidden)
        self.fc2 = torch.nn.Linear(hidden, outputs)
        self.squeeze = squeeze

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.fc1((x - self.mean) / self.std))
        out = self.fc2(h)
        if self.squeeze:
            return out.squeeze(1)
        return out


class BadShape(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :4].reshape(-1, 2, 2)


def make_models(X, out):
    mean, std = X.mean(0).tolist(), X.std(0).tolist()
    specs = {
        "mlp_reg.pt": (4, 1, False),
        "mlp_vec.pt": (4, 1, True),
        "mlp_cls.pt": (4, 3, False),
        "logit1.pt": (4, 1, False),
    }
    models = {}
    for i, (name, (width, outputs, squeeze)) in enumerate(specs.items()):
        torch.manual_seed(100 + i)
        m = Mlp(mean, std, width, 8, outputs, squeeze).eval()
        with torch.no_grad():
            m.fc2.weight.mul_(3.0)
        scripted = torch.jit.script(m)
        scripted.save(os.path.join(out, name))
        models[name] = scripted
    torch.manual_seed(9)
    torch.jit.script(Mlp(mean + [0.0], std + [1.0], 5, 4, 1, False).eval()).save(os.path.join(out, "width5.pt"))
    torch.jit.script(BadShape()).save(os.path.join(out, "bad_shape.pt"))
    torch.save(Mlp(mean, std, 4, 2, 1, False).state_dict(), os.path.join(out, "state_dict.pt"))
    return models


class ReluMlp(torch.nn.Module):
    """A ReLU network Glassbox evaluates exactly by its region walk (linewalk.h): the input
    standardisation is a Linear layer too, which the extraction folds into the next one. With
    `residual` or `affine_input` the forward is no longer a plain chain, so Glassbox must fall back
    to calling the model."""

    def __init__(self, mean, std, outputs, residual: bool = False, affine_input: bool = False):
        super().__init__()
        self.standardise = torch.nn.Linear(4, 4)
        with torch.no_grad():
            self.standardise.weight.copy_(torch.diag(1.0 / torch.tensor(std)))
            self.standardise.bias.copy_(-torch.tensor(mean) / torch.tensor(std))
        self.fc1 = torch.nn.Linear(4, 16)
        self.fc2 = torch.nn.Linear(16, 16)
        self.fc3 = torch.nn.Linear(16, outputs)
        self.residual = residual
        self.affine_input = affine_input

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.affine_input:
            x = x * 2.0 + 1.0
        h = torch.relu(self.fc1(self.standardise(x)))
        if self.residual:
            h = h + torch.relu(self.fc2(h))
        else:
            h = torch.relu(self.fc2(h))
        return self.fc3(h)


def make_relu_models(X, out):
    mean, std = X.mean(0).tolist(), X.std(0).tolist()
    specs = {
        "relu_reg.pt": (1, False, False),
        "relu_cls.pt": (3, False, False),
        "relu_residual.pt": (1, True, False),
        "relu_affine_input.pt": (1, False, True),
    }
    models = {}
    for i, (name, (outputs, residual, affine_input)) in enumerate(specs.items()):
        torch.manual_seed(200 + i)
        m = ReluMlp(mean, std, outputs, residual, affine_input).eval()
        scripted = torch.jit.script(m)
        scripted.save(os.path.join(out, name))
        models[name] = scripted
    return models


def float32_text(v):
    # Shortest text of the float32 value; parsing it as a double and rounding to float32 (what the
    # C++ reader does) must give the same value back.
    text = np.format_float_positional(np.float32(v), unique=True, trim="-")
    assert np.float32(float(text)) == np.float32(v)
    return text


def rounded(obj):
    # Model outputs are float32: 9 significant digits keep every bit and halve the file.
    if isinstance(obj, float):
        return float("%.9g" % obj)
    if isinstance(obj, list):
        return [rounded(v) for v in obj]
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    return obj


def write_csv(X, y, out):
    header = ["id"] + ['"' + FEATURES[0] + '"', '"' + FEATURES[1] + '"', FEATURES[2], FEATURES[3], "y"]
    lines = [",".join(header)]
    for i, (row, target) in enumerate(zip(X, y)):
        cells = [str(1000 + i)] + [float32_text(v) if j < CATEGORICAL else str(int(v)) for j, v in enumerate(row)]
        lines.append(",".join(cells + [repr(float(target))]))
    with open(os.path.join(out, "data.csv"), "w", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")
    with open(os.path.join(out, "data.csv.json"), "w") as f:
        json.dump({"target": "y", "ignore": ["id"], "categorical": [FEATURES[3]]}, f, indent=1, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# scikit-learn side


def forward(module, X):
    with torch.no_grad():
        return module(torch.from_numpy(np.asarray(X, dtype=np.float32))).numpy()


class TorchRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, module=None):
        self.module = module

    def fit(self, X, y=None):
        self.module_ = self.module
        return self

    def predict(self, X):
        return forward(self.module_, X).reshape(len(X), -1)[:, 0].astype(np.float64)


class TorchClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, module=None):
        self.module = module

    def fit(self, X, y=None):
        self.module_ = self.module
        self.classes_ = np.arange(3)
        return self

    def predict_proba(self, X):
        return torch.softmax(torch.from_numpy(forward(self.module_, X)).double(), dim=1).numpy()


def pdp(estimator, X, features, resolution, kind="both", categorical=None, output=0):
    r = partial_dependence(estimator, X, features, grid_resolution=resolution, method="brute", kind=kind,
                           categorical_features=categorical)
    grid = [g.tolist() for g in r["values"]]
    out = {"grid": grid if len(grid) > 1 else grid[0], "average": r["average"][output].tolist()}
    if kind == "both":
        out["individual"] = r["individual"][output].tolist()
    return out


# --------------------------------------------------------------------------------------------
# ALE reference (ALEPlot / PyALE algorithm, numpy only)


def ale_edges(x, K, convention):
    s = np.sort(x)
    n = len(s)
    size = n - 1 if convention == "pyale" else n
    edges = [s[0]]
    for k in range(1, K + 1):
        # exact integer form of ceil(size * k / K) - 1 (type-1 quantile index)
        idx = n - 1 if k == K else max(0, -(-size * k // K) - 1)
        edges.append(s[idx])
    return np.unique(edges)


def ale_bins(x, edges):
    # interval (z_{k-1}, z_k], the first one closed on the left
    return np.clip(np.searchsorted(edges, x, side="left") - 1, 0, len(edges) - 2)


def predict(module, X):
    return forward(module, X).reshape(len(X), -1)[:, 0].astype(np.float64)


def ale_1d(module, X, j, K, convention):
    z = ale_edges(X[:, j], K, convention)
    a = ale_bins(X[:, j], z)
    lo, hi = X.copy(), X.copy()
    lo[:, j], hi[:, j] = z[a], z[a + 1]
    delta = predict(module, hi) - predict(module, lo)
    Kz = len(z) - 1
    counts = np.bincount(a, minlength=Kz)
    means = np.bincount(a, weights=delta, minlength=Kz) / counts
    g = np.concatenate([[0.0], np.cumsum(means)])
    g -= np.sum(counts * (g[:-1] + g[1:]) / 2) / counts.sum()
    return {"edges": z.tolist(), "ale": g.tolist(), "counts": counts.tolist()}


def ale_2d(module, X, j1, j2, K):
    z1, z2 = ale_edges(X[:, j1], K, "aleplot"), ale_edges(X[:, j2], K, "aleplot")
    a1, a2 = ale_bins(X[:, j1], z1), ale_bins(X[:, j2], z2)
    K1, K2 = len(z1) - 1, len(z2) - 1
    y = {}
    for u1 in (0, 1):
        for u2 in (0, 1):
            Xc = X.copy()
            Xc[:, j1], Xc[:, j2] = z1[a1 + u1], z2[a2 + u2]
            y[u1, u2] = predict(module, Xc)
    delta = (y[1, 1] - y[1, 0]) - (y[0, 1] - y[0, 0])
    count = np.zeros((K1, K2))
    total = np.zeros((K1, K2))
    np.add.at(count, (a1, a2), 1)
    np.add.at(total, (a1, a2), delta)
    D = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    c1 = (z1[:-1] + z1[1:]) / 2 / (z1[-1] - z1[0])
    c2 = (z2[:-1] + z2[1:]) / 2 / (z2[-1] - z2[0])
    full = [(k, l) for k in range(K1) for l in range(K2) if count[k, l] > 0]
    filled = D.copy()
    for k in range(K1):
        for l in range(K2):
            if count[k, l] == 0:
                d = [(c1[k] - c1[fk]) ** 2 + (c2[l] - c2[fl]) ** 2 for fk, fl in full]
                fk, fl = full[int(np.argmin(d))]
                filled[k, l] = D[fk, fl]
    f = np.zeros((K1 + 1, K2 + 1))
    f[1:, 1:] = np.cumsum(np.cumsum(filled, axis=0), axis=1)
    b1, b2 = count.sum(1), count.sum(0)
    d1 = f[1:, :] - f[:-1, :]
    f1 = np.concatenate([[0.0], np.cumsum((count * (d1[:, :-1] + d1[:, 1:]) / 2).sum(1) / b1)])
    d2 = f[:, 1:] - f[:, :-1]
    f2 = np.concatenate([[0.0], np.cumsum((count * (d2[:-1, :] + d2[1:, :]) / 2).sum(0) / b2)])
    f = f - f1[:, None] - f2[None, :]
    f0 = (count * (f[:-1, :-1] + f[:-1, 1:] + f[1:, :-1] + f[1:, 1:]) / 4).sum() / count.sum()
    f -= f0
    return {"edges": [z1.tolist(), z2.tolist()], "ale": f.tolist(), "counts": count.astype(int).tolist(),
            "empty_cells": int((count == 0).sum())}


def level_order(X, j, categorical):
    levels = np.unique(X[:, j])
    K = len(levels)
    D = np.zeros((K, K))
    for o in range(X.shape[1]):
        if o == j:
            continue
        col = X[:, o]
        if o in categorical:
            values = np.unique(col)
            props = np.array([[np.mean(col[X[:, j] == a] == v) for v in values] for a in levels])
            D += np.abs(props[:, None, :] - props[None, :, :]).sum(2) / 2
        else:
            q = np.quantile(col, np.arange(100) / 100)  # numpy's default linear interpolation
            ecdf = np.array([[np.mean(col[X[:, j] == a] <= t) for t in q] for a in levels])
            D += np.abs(ecdf[:, None, :] - ecdf[None, :, :]).max(2)
    J = np.eye(K) - np.ones((K, K)) / K
    B = -0.5 * J @ (D ** 2) @ J
    w, v = np.linalg.eigh(B)
    coord = v[:, -1] * np.sqrt(max(w[-1], 0.0))
    if coord[0] > coord[-1]:
        coord = -coord
    return levels[np.argsort(coord, kind="stable")]


def ale_categorical(module, X, j, categorical):
    order = level_order(X, j, categorical)
    K = len(order)
    pos = {v: k for k, v in enumerate(order)}
    p = np.array([pos[v] for v in X[:, j]])
    base = predict(module, X)
    up, down = p < K - 1, p > 0
    Xu, Xd = X[up].copy(), X[down].copy()
    Xu[:, j], Xd[:, j] = order[p[up] + 1], order[p[down] - 1]
    steps = np.concatenate([p[up], p[down] - 1])
    deltas = np.concatenate([predict(module, Xu) - base[up], base[down] - predict(module, Xd)])
    means = np.bincount(steps, weights=deltas, minlength=K - 1) / np.bincount(steps, minlength=K - 1)
    g = np.concatenate([[0.0], np.cumsum(means)])
    counts = np.bincount(p, minlength=K)
    g -= np.sum(counts * g) / counts.sum()
    return {"edges": order.tolist(), "ale": g.tolist(), "counts": counts.tolist()}


# --------------------------------------------------------------------------------------------
# PyALE's own published numbers (its tests/test_lib.py): quantile_ied of x1 at 0.1, 0.5, 0.9 and
# order_groups of x5 on data drawn with numpy's legacy seeded generator. Reproducing them checks
# this reference, and (through pyale_lib.csv) Glassbox, against the published package.

PYALE_QUANTILES = [0.10025329, 0.46653491, 0.88313677]
PYALE_LEVEL_ORDER = ["a", "c", "b"]


def pyale_lib_data(out):
    np.random.seed(876)
    x1 = np.random.uniform(low=0, high=1, size=200)
    x2 = np.random.uniform(low=0, high=1, size=200)
    x3 = np.random.uniform(low=0, high=1, size=200)
    x4 = np.random.choice(range(10), 200)
    x5 = (x1 + x2 + x3) * x4 - 1
    labels = ["a" if v > 5 else "b" if v < 0 else "c" for v in x5]
    codes = {"a": 0, "b": 1, "c": 2}
    X = np.stack([x1, x2, x3, x4, [codes[v] for v in labels]], axis=1).astype(np.float32).astype(np.float64)
    edges = ale_edges(X[:, 0], 10, "pyale")
    assert np.allclose(edges[[1, 5, 9]], PYALE_QUANTILES, rtol=0, atol=1e-7), edges[[1, 5, 9]]
    order = level_order(X, 4, {4})
    assert [list(codes)[int(c)] for c in order] == PYALE_LEVEL_ORDER, order
    with open(os.path.join(out, "pyale_lib.csv"), "w", newline="") as f:
        f.write("x1,x2,x3,x4,x5\n")
        for row, label in zip(X, labels):
            f.write(",".join([float32_text(v) for v in row[:3]] + [str(int(row[3])), label]) + "\n")
    with open(os.path.join(out, "pyale_lib.csv.json"), "w") as f:
        json.dump({"categorical": ["x5"], "levels": {"x5": list(codes)}}, f)
    return {"quantile_probabilities": [0.1, 0.5, 0.9], "quantile_ied_x1": PYALE_QUANTILES,
            "order_groups_x5": PYALE_LEVEL_ORDER}


# --------------------------------------------------------------------------------------------


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../fixtures/tabular")
    os.makedirs(out, exist_ok=True)
    X, y = make_data()
    write_csv(X, y, out)
    models = make_models(X, out)
    reg = TorchRegressor(models["mlp_reg.pt"]).fit(X)
    cls = TorchClassifier(models["mlp_cls.pt"]).fit(X)

    pyale = ale_edges(X[:, 0], 7, "pyale")
    aleplot = ale_edges(X[:, 0], 7, "aleplot")
    assert not np.array_equal(pyale, aleplot), "pick a case where the two edge conventions differ"
    expected = {
        "pdp_age_res20": pdp(reg, X, [0], 20),
        "pdp_bp_unique": pdp(reg, X, [2], 100, kind="average"),
        "pdp_age_bmi_res8": pdp(reg, X, [(0, 1)], 8, kind="average"),
        "pdp_group_categorical": pdp(reg, X, [3], 100, kind="average", categorical=[CATEGORICAL]),
        "pdp_bmi_class2_res12": pdp(cls, X, [1], 12, output=2),
        "ale_age_k7_aleplot": ale_1d(models["mlp_reg.pt"], X, 0, 7, "aleplot"),
        "ale_age_k7_pyale": ale_1d(models["mlp_reg.pt"], X, 0, 7, "pyale"),
        "ale_bp_k20_aleplot": ale_1d(models["mlp_reg.pt"], X, 2, 20, "aleplot"),
        "ale_age_bmi_k6": ale_2d(models["mlp_reg.pt"], X, 0, 1, 6),
        "ale_group": ale_categorical(models["mlp_reg.pt"], X, CATEGORICAL, {CATEGORICAL}),
        "pyale_published": pyale_lib_data(out),
    }
    relu = make_relu_models(X, out)
    relu_reg = TorchRegressor(relu["relu_reg.pt"]).fit(X)
    expected["relu_pdp_age_res20"] = pdp(relu_reg, X, [0], 20)
    expected["relu_pdp_age_bmi_res8"] = pdp(relu_reg, X, [(0, 1)], 8, kind="average")
    expected["relu_pdp_bmi_class1_res12"] = pdp(TorchClassifier(relu["relu_cls.pt"]).fit(X), X, [1], 12, output=1)
    expected["relu_residual_pdp_age_res20"] = pdp(TorchRegressor(relu["relu_residual.pt"]).fit(X), X, [0], 20)
    expected["relu_affine_input_pdp_age_res20"] = pdp(TorchRegressor(relu["relu_affine_input.pt"]).fit(X), X, [0], 20)
    assert expected["ale_age_bmi_k6"]["empty_cells"] > 0, "the 2-D case should exercise empty-cell filling"
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(rounded(expected), f, separators=(",", ":"))


if __name__ == "__main__":
    main()
