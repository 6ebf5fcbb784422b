"""Is the suggester worth trusting? Cross-validation by document against the project's own coding.

The coded documents are shuffled with a fixed seed and dealt into ``folds``;
for each fold the ranker is trained on the other folds' coding (plus the
codebook) and ranks the held-out documents' participant turns
(:func:`evalbench.suggest.training.out_of_fold`). Whole interviews are held
out, because turns of one interview share its people and stories. Methods:

* ``model``: the ranker (learned model and keywords), as suggestions are made;
* ``rules``: the codebook's keywords alone (:mod:`evalbench.suggest.rules`);
* ``baseline``: the codes most frequent in the training folds, for every turn.

Ranking metrics over the coded turns (a turn's codes are those of every human
coding overlapping it), ignoring the display threshold: recall@1 and recall@3
(share of the turn's codes among the top one or three), precision@1 (is the
top code one of them; ranking nothing is a miss), precision@3 (share of the
top three that are, out of three) and domain recall@3 (share of the turn's
CFIR domains, or top-level codes, among the domains of the top three).
Per-code precision, recall and F1 compare the codes a coder would be shown
(top three at or above the threshold) with the turn's codes.

``calibration`` checks the confidence the model shows: for each fold, the
score-to-precision map is fitted on the *other* folds' held-out scores and
applied to this fold's, and the shown confidence is compared with how often
those suggestions were right, over every participant turn of the coded
documents (an uncoded turn makes every suggestion on it wrong). ``valence``
compares the suggested valence with the coders' own (:func:`valence_agreement`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from evalbench.errors import UserError

if TYPE_CHECKING:
    from evalbench.model import Code
    from evalbench.store.store import Store
    from evalbench.suggest.service import SuggestService
    from evalbench.suggest.training import OutOfFold, TrainingData

METHODS = ("model", "rules", "baseline")


class Calibrated(TypedDict):
    """Shown confidence against how often it was right (``calibration`` of :class:`Evaluation`)."""

    bands: list[dict[str, Any]]  #: :func:`evalbench.suggest.calibration.reliability`
    shown: int  #: suggestions at or above the threshold
    shown_per_turn: float
    shown_precision: float


class Evaluation(TypedDict, total=False):
    """What ``suggest --evaluate`` reports (and prints as JSON): see the module docstring."""

    cancelled: bool  #: only key when the run was cancelled
    coder: str | None
    folds: int
    unit: str  #: 'document': whole interviews are held out
    documents: int
    turns: int  #: coded participant turns scored
    turns_all: int  #: participant turns of the coded documents
    threshold: float
    pipeline: str
    codes_coded: int
    methods: dict[str, dict[str, Any]]  #: method -> :func:`ranking_metrics`
    calibration: Calibrated
    valence: dict[str, Any]  #: :func:`valence_agreement`


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def ranking_metrics(
    gold: list[set[str]],
    ranked: list[list[str]],
    shown: list[set[str]] | None = None,
    k: int = 3,
    domain: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Recall@1/@k, precision@1/@k, domain recall@k of rankings and per-code P/R/F1 of what is shown.

    ``shown`` defaults to the top ``k`` of each ranking; ``domain`` maps a
    code to its domain (default: the code itself).
    """
    if len(gold) != len(ranked):
        raise ValueError("gold and ranked differ in length")
    n = len(gold)
    dom = (lambda c: domain.get(c, c)) if domain else (lambda c: c)
    p1 = sum(1 for g, r in zip(gold, ranked) if r and r[0] in g)
    r1 = sum(_ratio(len(set(r[:1]) & g), len(g)) for g, r in zip(gold, ranked))
    pk = sum(len(set(r[:k]) & g) / k for g, r in zip(gold, ranked))
    rk = sum(_ratio(len(set(r[:k]) & g), len(g)) for g, r in zip(gold, ranked))
    dk = sum(
        _ratio(len({dom(c) for c in r[:k]} & {dom(c) for c in g}), len({dom(c) for c in g}))
        for g, r in zip(gold, ranked)
    )
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for i, g in enumerate(gold):
        shown_here = set(shown[i]) if shown is not None else set(ranked[i][:k])
        tp.update(shown_here & g)
        fp.update(shown_here - g)
        fn.update(g - shown_here)
    per_code = {}
    for code in sorted(set(tp) | set(fp) | set(fn)):
        precision = _ratio(tp[code], tp[code] + fp[code])
        recall = _ratio(tp[code], tp[code] + fn[code])
        per_code[code] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_ratio(2 * precision * recall, precision + recall), 4),
            "support": tp[code] + fn[code],
        }
    supported = [v["f1"] for v in per_code.values() if v["support"]]
    return {
        "recall_at_1": round(_ratio(r1, n), 4),
        f"recall_at_{k}": round(_ratio(rk, n), 4),
        "precision_at_1": round(_ratio(p1, n), 4),
        f"precision_at_{k}": round(_ratio(pk, n), 4),
        f"domain_recall_at_{k}": round(_ratio(dk, n), 4),
        "macro_f1": round(_ratio(sum(supported), len(supported)), 4),
        "turns": n,
        "per_code": per_code,
    }


def fold_of(n: int, folds: int, seed: int = 0) -> list[int]:
    """A fold number for each of ``n`` items: shuffled, sizes differing by at most one."""
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    out = [0] * n
    for rank, i in enumerate(order):
        out[i] = rank % folds
    return out


def domains(codes: list[Code]) -> dict[str, str]:
    """Code id -> the id of its top-level ancestor (its CFIR domain)."""
    parent = {c.id: c.parent_id for c in codes}
    out = {}
    for c in codes:
        cur, seen = c.id, set()
        while (up := parent.get(cur)) and cur not in seen:
            seen.add(cur)
            cur = up
        out[c.id] = cur
    return out


def evaluate(
    service: SuggestService,
    *,
    coder: str | None = None,
    folds: int = 5,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Evaluation:
    """Cross-validate the suggester by document on the project's coding (see module doc)."""
    import numpy as np

    from evalbench.suggest import calibration, data, training
    from evalbench.suggest.nlp import load_pipeline

    if folds < 2:
        raise UserError("--folds must be at least 2")
    store = service.store
    codes = service.codes()
    labels = [c.id for c in codes]
    pipeline = load_pipeline(service.pipeline_name())
    reader = service.words_reader(pipeline, codes)
    labelled = training.sample_turns(data.labelled_turns(store, coder=coder))
    td = training.build(codes, labelled, reader, keyword_df=service.keyword_df(reader))
    coded = [i for i, g in enumerate(td.gold) if g]
    coded_docs = sorted({td.documents[i] for i in coded})
    who = f"coder {coder!r}" if coder else "the project"
    if len(coded_docs) < 2 or len(coded) < 10:
        raise UserError(
            f"{store.where}: {who} has {len(coded)} coded participant turns in "
            f"{len(coded_docs)} document(s); evaluation holds out whole documents, so it needs "
            "coding in at least 2 documents and 10 turns"
        )
    folds = min(folds, len(coded_docs))
    oof = training.out_of_fold(td, folds, progress=progress, cancel=cancel)
    if oof is None:
        return {"cancelled": True}
    threshold = service.threshold()
    gold = [td.gold[i] for i in coded]
    order = np.argsort(-oof.combined, axis=1)[:, :10]
    ranked = {"model": [[labels[j] for j in order[i]] for i in coded]}
    shown_conf, right, shown_model = _calibration_check(oof, td, threshold)
    ranked["rules"] = _rules_ranking(td, coded)
    ranked["baseline"] = _baseline(td, oof.fold, coded)
    dom = domains(codes)
    methods = {
        "model": ranking_metrics(gold, ranked["model"], [shown_model[i] for i in coded], domain=dom),
        "rules": ranking_metrics(gold, ranked["rules"], domain=dom),
        "baseline": ranking_metrics(gold, ranked["baseline"], domain=dom),
    }
    shown_flags = [c >= threshold for c in shown_conf]
    n_shown = sum(shown_flags)
    if progress:
        progress(folds, folds, "done")
    return {
        "coder": coder,
        "folds": folds,
        "unit": "document",
        "documents": len(coded_docs),
        "turns": len(coded),
        "turns_all": len(td.gold),
        "threshold": threshold,
        "pipeline": pipeline.name,
        "codes_coded": len(set().union(*gold)),
        "methods": methods,
        "calibration": {
            "bands": calibration.reliability(shown_conf, right),
            "shown": n_shown,
            "shown_per_turn": round(_ratio(n_shown, len(td.gold)), 3),
            "shown_precision": round(_ratio(sum(r for r, f in zip(right, shown_flags) if f), n_shown), 4),
        },
        "valence": valence_agreement(store, coder=coder),
    }


def _calibration_check(
    oof: OutOfFold, td: TrainingData, threshold: float
) -> tuple[list[float], list[bool], list[set[str]]]:
    """Shown confidence and rightness of each turn's top three, each fold calibrated on the others."""
    import numpy as np

    from evalbench.suggest.calibration import from_scores

    shown: list[float] = []
    right: list[bool] = []
    shown_codes: list[set[str]] = [set() for _ in td.gold]
    folds = sorted(set(oof.fold))
    for f in folds:
        train = [i for i, tf in enumerate(oof.fold) if tf != f]
        test = [i for i, tf in enumerate(oof.fold) if tf == f]
        cal = from_scores(oof.combined[train], [td.gold[i] for i in train], td.labels)
        for i in test:
            for j in np.argsort(-oof.combined[i])[:3]:
                conf = cal.precision(float(oof.combined[i, j]))
                shown.append(conf)
                right.append(td.labels[j] in td.gold[i])
                if conf >= threshold:
                    shown_codes[i].add(td.labels[j])
    return shown, right, shown_codes


def _rules_ranking(td: TrainingData, coded: list[int]) -> list[list[str]]:
    from evalbench.suggest.rules import scores_from

    out = []
    for i in coded:
        scores = scores_from(td.turns[i].matches, td.keyword_df)
        out.append([c for _, c in sorted((-s, c) for c, s in scores.items())])
    return out


def _baseline(td: TrainingData, fold: list[int], coded: list[int]) -> list[list[str]]:
    out = []
    cache: dict[int, list[str]] = {}
    for i in coded:
        f = fold[i]
        if f not in cache:
            freq = Counter(c for j in coded if fold[j] != f for c in td.gold[j])
            cache[f] = [c for c, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        out.append(cache[f])
    return out


VALENCES = ("barrier", "facilitator", "mixed")


def valence_agreement(store: Store, *, coder: str | None = None) -> dict[str, Any]:
    """How often the cue words give the valence a human coder chose (no coder habits used).

    Each human coding marked barrier, facilitator or mixed is read three
    ways: ``passage``, its own coded words; ``turn``, the whole participant
    turn that holds it (what a suggestion without keyword evidence reads);
    ``turn_habit``, the turn plus the coder's habit for the code learned from
    their *other* codings (leave one out), as a suggestion is made.
    ``accuracy`` counts "no valence" as a miss; ``covered`` is the share where
    something was suggested, ``accuracy_covered`` the accuracy there.
    """
    from evalbench.suggest.valence import suggest_valence

    rows = store.training.valence_codings(coder)
    habits: dict[tuple[str, str], Counter] = {}
    for *_, gold, who, code_id, _, _ in rows:
        habits.setdefault((who, code_id), Counter())[gold] += 1
    scores: dict[str, Counter] = {"passage": Counter(), "turn": Counter(), "turn_habit": Counter()}
    confusion: Counter = Counter()
    n = 0
    for text, start, end, gold, who, code_id, t_start, t_end in rows:
        n += 1
        turn = text[t_start:t_end] if t_start is not None else text[start:end]
        others = habits[(who, code_id)] - Counter({gold: 1})
        readings = {"passage": (text[start:end], None), "turn": (turn, None), "turn_habit": (turn, others)}
        for name, (passage, history) in readings.items():
            found = suggest_valence(passage, history=history)
            scores[name]["covered"] += found is not None
            scores[name]["correct"] += found == gold
            if name == "passage":
                confusion[(gold, found or "none")] += 1
    out: dict[str, Any] = {"coder": coder, "codings": n}
    for name, c in scores.items():
        out[name] = {
            "accuracy": round(_ratio(c["correct"], n), 4),
            "covered": round(_ratio(c["covered"], n), 4),
            "accuracy_covered": round(_ratio(c["correct"], c["covered"]), 4),
        }
    out["confusion"] = {f"{g}->{f}": k for (g, f), k in sorted(confusion.items())}
    return out
