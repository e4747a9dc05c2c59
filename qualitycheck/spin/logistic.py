"""A small L2-regularised logistic regression in numpy (standardised inputs), saved as plain JSON lists."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def decision(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.decision(x), -30, 30)))

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": float(self.intercept)}

    @classmethod
    def from_dict(cls, d: dict) -> "Logistic":
        return cls(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]), float(d["intercept"]))


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 300,
        sample_weight: np.ndarray | None = None) -> Logistic:
    """Newton's method on the penalised log-loss (few features, so the Hessian is tiny)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    z = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(z.shape[1])
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (sw * (p - y)) + penalty * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return Logistic(mean, scale, w[:-1], float(w[-1]))


def fit_linear(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> Logistic:
    """Ridge least squares in the same form (standardised inputs, coefficients, intercept): read the
    prediction from .decision(), not .predict()."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    w = np.linalg.solve(z.T @ z + np.diag(penalty), z.T @ y)
    return Logistic(mean, scale, w[:-1], float(w[-1]))
