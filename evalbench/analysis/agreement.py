"""Intercoder agreement per code and overall: percent agreement, Cohen's κ, Krippendorff's α, Gwet's AC1.

Every (unit, code) pair is a yes/no decision by each coder (units are turns or
characters; see :mod:`evalbench.analysis.agreement_data`). Per code, the
decisions over the compared units give a 2×2 contingency table (two coders)
and a coincidence matrix (any number of coders); the overall figures pool the
decisions of every code that at least one coder used, by summing those tables.

Reporting rules (also in ``docs/agreement.md``):

* A code no compared coder used has ``n_units = 0`` and no statistic (None):
  its all-"no" agreement says nothing about the code.
* A code only one of two coders used has κ = 0 exactly: the other coder's
  marginal is all "no", so p_e = p_o. Krippendorff's α is then slightly below 0.
  Both follow from the formulas and are reported as computed; rare codes
  suffer from prevalence (few "yes" decisions make κ and α unstable), which is
  why percent agreement and ``n_applied`` are reported beside them.
* κ or α whose chance term leaves nothing to beat (every decision the same
  value, e.g. both coders applied the code to every unit) is undefined: None.
* κ is only defined for two coders; with three or more it is None.
* Pooled κ can mislead: a code both coders applied almost everywhere adds
  thousands of agreeing decisions and lifts it (on the sample study, adding one
  such code raised pooled κ from 0.747 to 0.833). So the overall figures also
  give the **mean of the per-code κ** (α with three or more coders), **how many
  codes fall below 0.4**, and **Gwet's AC1**, whose chance term does not
  collapse for rare codes; each code reports its **prevalence**, the share of
  all its yes/no decisions that were "yes" (κ and α are unstable when it is
  near 0 or 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.errors import UserError

if TYPE_CHECKING:
    from evalbench.store.store import Store

UNITS = ("turn", "char")
#: A per-code κ below this is counted as poor agreement (Landis & Koch's "fair" and below).
BELOW = 0.4


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code. ``percent`` is 0–100; statistics are None when undefined."""

    code: str
    name: str
    percent: float | None
    kappa: float | None
    alpha: float | None
    n_units: int  #: units (turns or characters) compared; 0 when no coder used the code
    n_applied: dict[str, int] = field(default_factory=dict)  #: units each coder applied it to
    n_disagreements: int = 0  #: units on which the coders differ
    ac1: float | None = None  #: Gwet's AC1
    prevalence: float | None = None  #: share of the coders' decisions on this code that were "applied", 0–1

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "percent": self.percent,
            "kappa": self.kappa,
            "alpha": self.alpha,
            "ac1": self.ac1,
            "prevalence": self.prevalence,
            "n_units": self.n_units,
            "n_applied": dict(self.n_applied),
        }


@dataclass(frozen=True)
class AgreementSummary:
    """The overall figures, pooling every (unit, code) decision of the codes in use."""

    percent: float | None
    kappa: float | None
    alpha: float | None
    n_units: int  #: (unit, code) decisions pooled
    ac1: float | None = None  #: Gwet's AC1 of the pooled decisions
    mean_kappa: float | None = None  #: mean of the per-code κ (codes in use with a defined κ)
    mean_alpha: float | None = None  #: mean of the per-code α
    codes_below: int = 0  #: codes in use whose κ (α with 3+ coders) is below BELOW
    codes_rated: int = 0  #: codes in use with a defined κ (α with 3+ coders)

    def to_json(self) -> dict:
        return {
            "percent": self.percent,
            "kappa": self.kappa,
            "alpha": self.alpha,
            "ac1": self.ac1,
            "mean_kappa": self.mean_kappa,
            "mean_alpha": self.mean_alpha,
            "codes_below_0_4": self.codes_below,
            "codes_rated": self.codes_rated,
            "n_units": self.n_units,
        }


@dataclass(frozen=True)
class AgreementReport:
    """What ``evalbench agreement`` reports; ``to_json()`` is the ``--json`` shape."""

    unit: str  #: 'turn' or 'char'
    coders: tuple[str, ...]
    overall: AgreementSummary
    codes: tuple[CodeAgreement, ...]
    documents: tuple[str, ...] = ()  #: names of the documents compared
    include_interviewer: bool = False
    units_per_code: int = 0  #: turns (or characters) compared for each code

    def to_json(self) -> dict:
        return {
            "unit": self.unit,
            "coders": list(self.coders),
            "overall": self.overall.to_json(),
            "codes": [c.to_json() for c in self.codes],
        }

    def worst_first(self) -> list[CodeAgreement]:
        """Codes in use, lowest agreement first (α, then κ, then percent), unused codes last."""

        def key(c: CodeAgreement):
            stat = next((v for v in (c.alpha, c.kappa) if v is not None), None)
            return (
                c.n_units == 0,
                stat is None,
                stat if stat is not None else 0.0,
                c.percent if c.percent is not None else 101.0,
                c.code,
            )

        return sorted(self.codes, key=key)

    def code(self, code_id: str) -> CodeAgreement:
        for c in self.codes:
            if c.code == code_id:
                return c
        raise KeyError(code_id)


def check_coders(store: Store, coders: list[str] | str, where: str = "project") -> list[str]:
    """Validate the coders to compare: at least two, distinct, each known to the project.

    ``coders`` is a list of names or one comma-separated string ("alex,sam").
    """
    if isinstance(coders, str):
        coders = coders.split(",")
    coders = [c.strip() for c in coders if c and c.strip()]
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise UserError(f"{where}: name at least two different coders to compare (e.g. --coders alex,sam)")
    known = set(store.coders.names())
    missing = [c for c in coders if c not in known]
    if missing:
        raise UserError(f"{where}: no coder {missing[0]!r} (coders: {', '.join(sorted(known)) or 'none'})")
    return coders


def compute_agreement(
    store: Store, coders: list[str], *, unit: str = "turn", include_interviewer: bool = False, where: str = "project"
) -> AgreementReport:
    """Agreement between ``coders`` on every code of the codebook (see the module notes)."""
    import numpy as np

    from evalbench.analysis import agreement_data as data
    from evalbench.analysis import reliability as rel

    if unit not in UNITS:
        raise UserError(f"{where}: unit must be one of {', '.join(UNITS)}, not {unit!r}")
    coders = check_coders(store, coders, where)
    codes = [(c.id, c.name) for c in store.codes.list()]
    code_ids = [c[0] for c in codes]
    doc_ids = data.compared_documents(store, coders)
    units, codings = data.load(store, coders, code_ids, doc_ids, include_interviewer)
    m = len(coders)
    if unit == "turn":
        cube = data.turn_decisions(units, codings, len(code_ids), m)
        count = cube.sum(axis=0)
        hist = np.stack([(count == j).sum(axis=0) for j in range(m + 1)], axis=-1).astype(float)
        applied = cube.sum(axis=1).T.astype(float)
        total = float(len(units))
    else:
        total = float((units.key_end - units.key_start).sum())
        hist = np.zeros((len(code_ids), m + 1))
        applied = np.zeros((len(code_ids), m))
        for i in np.unique(codings.code):
            seg = data.char_segments(units, codings, int(i), m)
            w = seg.weight.astype(float)
            k = seg.applied.sum(axis=1)
            hist[i, 1:] = [w[k == j].sum() for j in range(1, m + 1)]
            applied[i] = (w[:, None] * seg.applied).sum(axis=0)
        hist[:, 0] = total - hist[:, 1:].sum(axis=1)
    used = applied.sum(axis=1) > 0
    coinc, table = rel.binary_tables(hist, applied)
    alpha = rel.alpha_from_coincidences(coinc)
    kappa = rel.kappa_from_table(table) if table is not None else None
    ac1 = rel.ac1_from_hist(hist)
    agree = (hist[:, 0] + hist[:, m]) / total * 100 if total else np.full(len(code_ids), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        prevalence = applied.sum(axis=1) / (total * m)
    rows = []
    for i, (code_id, name) in enumerate(codes):
        ok = bool(used[i])
        rows.append(
            CodeAgreement(
                code=code_id,
                name=name,
                percent=_num(agree[i]) if ok else None,
                kappa=_num(kappa[i]) if ok and kappa is not None else None,
                alpha=_num(alpha[i]) if ok else None,
                n_units=int(total) if ok else 0,
                n_applied={c: int(applied[i, j]) for j, c in enumerate(coders)},
                n_disagreements=int(total - hist[i, 0] - hist[i, m]) if ok else 0,
                ac1=_num(ac1[i]) if ok else None,
                prevalence=_num(prevalence[i]) if ok else None,
            )
        )
    pooled_hist, pooled_applied = hist[used].sum(axis=0), applied[used].sum(axis=0)
    p_coinc, p_table = rel.binary_tables(pooled_hist, pooled_applied)
    n_pooled = float(pooled_hist.sum())
    kappas = [r.kappa for r in rows if r.kappa is not None]
    alphas = [r.alpha for r in rows if r.alpha is not None]
    rated = kappas if m == 2 else alphas
    overall = AgreementSummary(
        percent=_num((pooled_hist[0] + pooled_hist[m]) / n_pooled * 100) if n_pooled else None,
        kappa=_num(rel.kappa_from_table(p_table)) if p_table is not None and n_pooled else None,
        alpha=_num(rel.alpha_from_coincidences(p_coinc)) if n_pooled else None,
        n_units=int(n_pooled),
        ac1=_num(rel.ac1_from_hist(pooled_hist)) if n_pooled else None,
        mean_kappa=sum(kappas) / len(kappas) if kappas else None,
        mean_alpha=sum(alphas) / len(alphas) if alphas else None,
        codes_below=sum(1 for v in rated if v < BELOW),
        codes_rated=len(rated),
    )
    names = store.documents.names_by_id()
    return AgreementReport(
        unit=unit,
        coders=tuple(coders),
        overall=overall,
        codes=tuple(rows),
        documents=tuple(names[d] for d in doc_ids),
        include_interviewer=include_interviewer,
        units_per_code=int(total),
    )


def _num(value) -> float | None:
    """A finite float, or None for NaN (an undefined statistic)."""
    value = float(value)
    return None if math.isnan(value) else value
