"""Intercoder reliability statistics, written by hand with numpy.

Four measures, each computed from a small table so that the same code serves
a published worked example, one code of a project and the pooled overall figure:

* **Percent agreement** — the share of units on which every coder gave the same value.
* **Cohen's κ** (Cohen 1960) — two coders; from their k×k contingency table,
  κ = (p_o − p_e) / (1 − p_e) with p_e from each coder's own marginals.
* **Krippendorff's α, nominal** (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability") — any number of coders, missing values allowed; from the
  k×k coincidence matrix o, α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k.
* **Gwet's AC1** (Gwet 2008, "Computing inter-rater reliability and its variance
  in the presence of high agreement"; Handbook of Inter-Rater Reliability, 2014)
  — any number of raters, missing values allowed: AC1 = (p_a − p_e)/(1 − p_e)
  with p_a the share of agreeing rater pairs per unit (units rated at least
  twice) and p_e = Σ_q π_q(1 − π_q)/(Q − 1), π_q the mean share of a unit's
  ratings in category q. Unlike κ and α, its chance term stays small when one
  category dominates (a code applied to 3 % of turns), so AC1 does not collapse
  for rare codes. Checked against Krippendorff's 12-unit, 4-rater example as
  Gwet analyses it (AC1 = 0.7754, p_a = 0.8182, p_e = 0.1903) and against the
  irrCAC reference implementation's figures for 2×2 tables.

The ``*_from_*`` functions accept stacks of tables (leading axes are kept), so a
whole codebook is computed in one vectorised call. A statistic whose
denominator is zero (every value the same, so chance agreement is already
perfect) is undefined and returned as NaN, never as a flattering 1.0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def kappa_from_table(table: np.ndarray) -> np.ndarray:
    """Cohen's κ from contingency tables of shape (..., k, k) (rows coder A, columns coder B).

    NaN where the table is empty or p_e = 1 (both coders used one and the same
    value throughout, so agreement beyond chance is undefined).
    """
    t = np.asarray(table, dtype=float)
    n = t.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = np.trace(t, axis1=-2, axis2=-1) / n
        p_e = (t.sum(axis=-1) * t.sum(axis=-2)).sum(axis=-1) / n**2
        kappa = (p_o - p_e) / (1.0 - p_e)
    return np.where((n > 0) & (p_e < 1.0), kappa, np.nan)


def alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Nominal Krippendorff's α from coincidence matrices of shape (..., k, k).

    α = 1 − (n − 1)·D_o / D_e with D_o = Σ_{c≠k} o_ck and D_e = Σ_{c≠k} n_c·n_k.
    NaN where there are no pairable values or only one value occurs (D_e = 0).
    """
    o = np.asarray(o, dtype=float)
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = n - np.trace(o, axis1=-2, axis2=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def contingency(a: Sequence, b: Sequence, categories: Sequence | None = None) -> np.ndarray:
    """The k×k table of two coders' values for the same units (rows a, columns b)."""
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    cats = list(categories) if categories is not None else sorted(set(a) | set(b), key=repr)
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, ([index[x] for x in a], [index[y] for y in b]), 1)
    return table


def value_counts(data: Sequence[Sequence]) -> np.ndarray:
    """Units × categories counts of the values in a units × coders matrix (None/NaN = missing)."""
    rows = [[v for v in unit if not _missing(v)] for unit in data]
    cats = sorted({v for unit in rows for v in unit}, key=repr)
    index = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((len(rows), len(cats)))
    for u, unit in enumerate(rows):
        for v in unit:
            counts[u, index[v]] += 1
    return counts


def coincidences(counts: np.ndarray) -> np.ndarray:
    """Coincidence matrix from units × categories value counts.

    Each unit with m ≥ 2 values contributes its m(m−1) ordered pairs of values,
    each weighted 1/(m − 1); units with fewer than two values are not pairable.
    """
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    keep = m >= 2
    c, w = counts[keep], 1.0 / (m[keep] - 1.0)
    return (c * w[:, None]).T @ c - np.diag((c * w[:, None]).sum(axis=0))


def ac1_from_counts(counts: np.ndarray) -> float:
    """Gwet's AC1 from units × categories value counts (see the module notes); NaN when undefined."""
    counts = np.asarray(counts, dtype=float)
    r = counts.sum(axis=1)
    rated, pairable = r >= 1, r >= 2
    q = counts.shape[1]
    if not pairable.any() or q < 2:
        return float("nan")
    c2, r2 = counts[pairable], r[pairable]
    p_a = float(((c2 * (c2 - 1)).sum(axis=1) / (r2 * (r2 - 1))).mean())
    pi = (counts[rated] / r[rated, None]).mean(axis=0)
    p_e = float((pi * (1 - pi)).sum() / (q - 1))
    return (p_a - p_e) / (1 - p_e) if p_e < 1 else float("nan")


def gwet_ac1(data: Sequence[Sequence]) -> float:
    """Gwet's AC1 for a units × raters matrix of nominal values; None or NaN marks a missing value."""
    return ac1_from_counts(value_counts(data))


def ac1_from_hist(hist: np.ndarray) -> np.ndarray:
    """Gwet's AC1 of yes/no decisions from ``hist[..., j]``, the weight of units where j of m coders said yes.

    Every coder rates every unit (as :func:`binary_tables`). NaN where there
    are no units. Q = 2, so p_e = 2 π (1 − π) with π the share of "yes" decisions.
    """
    hist = np.asarray(hist, dtype=float)
    m = hist.shape[-1] - 1
    j = np.arange(m + 1, dtype=float)
    n = hist.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_a = (hist * (j * (j - 1) + (m - j) * (m - j - 1))).sum(axis=-1) / (m * (m - 1)) / n
        pi = (hist * j).sum(axis=-1) / m / n
        p_e = 2 * pi * (1 - pi)
        ac1 = (p_a - p_e) / (1 - p_e)
    return np.where(n > 0, ac1, np.nan)


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's κ for two coders' nominal values on the same units (NaN if undefined)."""
    return float(kappa_from_table(contingency(a, b)))


def krippendorff_alpha(data: Sequence[Sequence]) -> float:
    """Nominal Krippendorff's α for a units × coders matrix; None or NaN marks a missing value."""
    return float(alpha_from_coincidences(coincidences(value_counts(data))))


def percent_agreement(data: Sequence[Sequence]) -> float:
    """Share (0–1) of pairable units on which every coder who rated the unit agreed."""
    rows = [[v for v in unit if not _missing(v)] for unit in data]
    rows = [r for r in rows if len(r) >= 2]
    if not rows:
        return float("nan")
    return sum(len(set(r)) == 1 for r in rows) / len(rows)


def binary_tables(hist: np.ndarray, applied: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Coincidence (and, for two coders, contingency) tables of yes/no decisions.

    ``hist[..., j]`` is the weight of units where exactly j of the m coders
    applied the code (j = 0..m); ``applied[..., c]`` is the weight coder c
    applied it to. Every coder rates every unit (no missing values). Category 0
    is "not applied", 1 is "applied". Returns ``(coincidence, contingency)``,
    the second None unless m = 2.
    """
    hist = np.asarray(hist, dtype=float)
    m = hist.shape[-1] - 1
    j = np.arange(m + 1, dtype=float)
    o = np.zeros(hist.shape[:-1] + (2, 2))
    if m >= 2:
        o[..., 1, 1] = (hist * j * (j - 1)).sum(axis=-1) / (m - 1)
        o[..., 0, 0] = (hist * (m - j) * (m - j - 1)).sum(axis=-1) / (m - 1)
        o[..., 0, 1] = o[..., 1, 0] = (hist * j * (m - j)).sum(axis=-1) / (m - 1)
    if m != 2:
        return o, None
    applied = np.asarray(applied, dtype=float)
    both, neither = hist[..., 2], hist[..., 0]
    t = np.zeros(hist.shape[:-1] + (2, 2))
    t[..., 1, 1], t[..., 0, 0] = both, neither
    t[..., 1, 0] = applied[..., 0] - both
    t[..., 0, 1] = applied[..., 1] - both
    return o, t


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))
