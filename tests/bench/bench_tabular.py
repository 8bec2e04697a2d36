#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Python side of tests/bench/bench_tabular.cpp (which runs it; see docs/BENCHMARKS.md).

    bench_tabular.py prepare DIR [HIDDEN ...]  diabetes.csv (scikit-learn's bundled copy, 442 x 10)
                                              and a trained MLP 10 -> HIDDEN... -> 1 as mlp.pt
    bench_tabular.py run DIR THREADS           times scikit-learn's brute-force partial_dependence
                                              and a per-bin ALE loop on mlp.pt; JSON on stdout

Loading is outside every timed region, on both sides.
"""

import json
import os
import sys
import time

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import load_diabetes
from sklearn.inspection import partial_dependence


def prepare(folder, hidden):
    os.makedirs(folder, exist_ok=True)
    data = load_diabetes()
    X = data.data.astype(np.float32)
    y = data.target.astype(np.float32)
    with open(os.path.join(folder, "diabetes.csv"), "w") as f:
        f.write(",".join(data.feature_names + ["target"]) + "\n")
        for row, t in zip(X, y):
            f.write(",".join(np.format_float_positional(v, unique=True) for v in row) + "," + repr(float(t)) + "\n")
    with open(os.path.join(folder, "diabetes.csv.json"), "w") as f:
        json.dump({"target": "target"}, f)
    torch.manual_seed(0)
    layers, width = [], X.shape[1]
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 1))
    model = torch.nn.Sequential(*layers)
    xt, yt = torch.from_numpy(X), torch.from_numpy((y - y.mean()) / y.std()).unsqueeze(1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(400):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xt), yt)
        loss.backward()
        opt.step()
    torch.jit.script(model.eval()).save(os.path.join(folder, "mlp.pt"))
    print(json.dumps({"train_mse": float(loss), "hidden": hidden}))


class TorchScriptRegressor(RegressorMixin, BaseEstimator):
    """The TorchScript model as a scikit-learn regressor: predict() runs one forward."""

    def __init__(self, module=None):
        self.module = module

    def fit(self, X, y=None):
        self.module_ = self.module
        return self

    def predict(self, X):
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
            return self.module_(x).numpy().ravel()


def ale_per_bin(estimator, X, j, K):
    """First-order ALE as a straightforward implementation writes it: one predict per bin edge pair."""
    s = np.sort(X[:, j])
    n = len(s)
    edges = np.unique([s[0]] + [s[n - 1 if k == K else max(0, -(-n * k // K) - 1)] for k in range(1, K + 1)])
    bins = np.clip(np.searchsorted(edges, X[:, j], side="left") - 1, 0, len(edges) - 2)
    means, counts = [], []
    for k in range(len(edges) - 1):
        rows = X[bins == k]
        lo, hi = rows.copy(), rows.copy()
        lo[:, j], hi[:, j] = edges[k], edges[k + 1]
        means.append(np.mean(estimator.predict(hi) - estimator.predict(lo)))
        counts.append(len(rows))
    g = np.concatenate([[0.0], np.cumsum(means)])
    counts = np.array(counts)
    return g - np.sum(counts * (g[:-1] + g[1:]) / 2) / counts.sum()


def timed(f, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        result = f()
        best = min(best, time.perf_counter() - t)
    return best, result


def run(folder, threads):
    torch.set_num_threads(threads)
    X = np.loadtxt(os.path.join(folder, "diabetes.csv"), delimiter=",", skiprows=1, dtype=np.float32)[:, :-1]
    X = X.astype(np.float64)
    est = TorchScriptRegressor(torch.jit.load(os.path.join(folder, "mlp.pt"))).fit(X)
    for _ in range(5):  # let the TorchScript profiling executor settle before timing
        est.predict(X)
    t1, r1 = timed(lambda: partial_dependence(est, X, [2], grid_resolution=100, method="brute", kind="both"), 3)
    t2, r2 = timed(lambda: partial_dependence(est, X, [(2, 3)], grid_resolution=100, method="brute", kind="average"), 1)
    t3, ale = timed(lambda: ale_per_bin(est, X, 2, 100), 3)
    print(json.dumps({
        "pdp_ice_1d_s": t1, "pdp_2d_s": t2, "ale_per_bin_s": t3,
        "pdp_1d_average": r1["average"][0].tolist(),
        "pdp_2d_corner": float(r2["average"][0][0][0]),
        "pdp_2d_average": r2["average"][0].ravel().tolist(),
        "ale_1d": ale.tolist(),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], [int(h) for h in sys.argv[3:]] or [64, 64])
    else:
        run(sys.argv[2], int(sys.argv[3]))
