"""Is the suggester worth trusting? k-fold cross-validation against the project's own coding.

Unit: a participant turn that the human coding gave at least one code (the
codes of all codings overlapping it). Turns are shuffled with a fixed seed
and split into ``folds``; for each fold the model is trained on the other
folds (plus codebook seeds and the uncoded turns of coded documents as
negatives) and ranks the held-out turns. Four methods are scored:

* ``model``: the learned classifier alone;
* ``rules``: codebook keywords alone (needs no training);
* ``combined``: model and rules together, as suggestions are shown;
* ``baseline``: the codes most frequent in the training folds, for every turn.

Ranking metrics, averaged over turns, ignore the display threshold:
precision@1 (is the top-ranked code one of the turn's codes; a turn where a
method ranks nothing counts as a miss), precision@3 (share of the top three
that are the turn's codes, out of three) and recall@3 (share of the turn's
codes among the top three). Per-code precision, recall and F1 compare the codes a
coder would be shown (top three at or above the threshold; the baseline
always shows three) with the turn's codes; ``macro_f1`` averages F1 over codes
that occur in the human coding. Uncoded turns are not scored, so false
alarms on them are not counted. ``valence`` compares the suggested valence
with the coders' own (:func:`valence_agreement`).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable

from evalbench.errors import UserError

METHODS = ("model", "rules", "combined", "baseline")


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def ranking_metrics(gold: list[set[str]], ranked: list[list[str]], shown: list[set[str]] | None = None,
                    k: int = 3) -> dict:
    """precision@1, recall@k of rankings and per-code P/R/F1 of the codes shown, against gold sets.

    ``shown`` defaults to the top ``k`` of each ranking.
    """
    if len(gold) != len(ranked):
        raise ValueError("gold and ranked differ in length")
    n = len(gold)
    p1 = sum(1 for g, r in zip(gold, ranked) if r and r[0] in g)
    pk = sum(len(set(r[:k]) & g) / k for g, r in zip(gold, ranked))
    rk = sum(_ratio(len(set(r[:k]) & g), len(g)) for g, r in zip(gold, ranked))
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
        per_code[code] = {"precision": round(precision, 4), "recall": round(recall, 4),
                          "f1": round(_ratio(2 * precision * recall, precision + recall), 4),
                          "support": tp[code] + fn[code]}
    supported = [v["f1"] for v in per_code.values() if v["support"]]
    return {"precision_at_1": round(_ratio(p1, n), 4), f"precision_at_{k}": round(_ratio(pk, n), 4),
            f"recall_at_{k}": round(_ratio(rk, n), 4),
            "macro_f1": round(_ratio(sum(supported), len(supported)), 4), "turns": n,
            "per_code": per_code}


def fold_of(n: int, folds: int, seed: int = 0) -> list[int]:
    """A fold number for each of ``n`` items: shuffled, sizes differing by at most one."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    out = [0] * n
    for rank, i in enumerate(order):
        out[i] = rank % folds
    return out


def evaluate_project(project, *, coder: str | None = None, folds: int = 5,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancel: threading.Event | None = None) -> dict:
    """Cross-validate the suggester on the project's coded participant turns (see module doc)."""
    from evalbench.suggest import data, service
    from evalbench.suggest.engine import Suggester
    from evalbench.suggest.learned import train
    from evalbench.suggest.nlp import load_pipeline

    if folds < 2:
        raise UserError("--folds must be at least 2")
    conn = project.conn
    codes = project.codes()
    labels = [c.id for c in codes]
    labelled = data.labelled_turns(conn, coder=coder)
    pipeline = load_pipeline(service.pipeline_name(project))
    examples, _ = service.build_examples(pipeline, codes, labelled)
    known = set(labels)
    items = [i for i, lt in enumerate(labelled) if lt.codes & known]
    who = f"coder {coder!r}" if coder else "the project"
    if len(items) < 2 * folds:
        raise UserError(f"{project.path.name}: {who} has {len(items)} coded participant turns; "
                        f"{folds}-fold evaluation needs at least {2 * folds}")
    threshold = service.threshold(project)
    df = service.project_keyword_df(conn, codes, pipeline)  # from text alone: no label leaks
    gold = [labelled[i].codes & known for i in items]
    texts = [labelled[i].turn.text for i in items]
    fold = fold_of(len(items), folds)
    test_of = {items[j]: f for j, f in enumerate(fold)}
    ranked: dict[str, list] = {m: [None] * len(items) for m in METHODS}
    shown: dict[str, list] = {m: [None] * len(items) for m in METHODS}

    def record(name: str, where: list[int], suggester) -> None:
        for j, cands in zip(where, suggester.rank([texts[j] for j in where], with_valence=False,
                                                  threshold=1e-9)):
            ranked[name][j] = [c.code_id for c in cands]
            shown[name][j] = {c.code_id for c in cands if c.score >= threshold}

    record("rules", list(range(len(items))), Suggester(codes, pipeline, None, threshold=threshold,
                                                       keyword_df=df))
    seeds = examples[len(labelled):]
    for f in range(folds):
        if progress:
            progress(f, folds, f"fold {f + 1} of {folds}")
        train_ex = [ex for i, ex in enumerate(examples[:len(labelled)]) if test_of.get(i) != f] + seeds
        model = train(train_ex, labels, info={"coded_turns": 1}, cancel=cancel)
        if model is None:
            return {"cancelled": True}
        test = [j for j in range(len(items)) if fold[j] == f]
        freq = Counter(code for j in range(len(items)) if fold[j] != f for code in gold[j])
        common = [code for code, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        for name, use_rules in (("model", False), ("combined", True)):
            record(name, test, Suggester(codes, pipeline, model, threshold=threshold, use_rules=use_rules,
                                         keyword_df=df))
        for j in test:
            ranked["baseline"][j] = common
            shown["baseline"][j] = set(common)
    if progress:
        progress(folds, folds, "done")
    return {"coder": coder, "folds": folds, "turns": len(items), "threshold": threshold,
            "pipeline": pipeline.name, "codes_coded": len(set().union(*gold)),
            "methods": {m: ranking_metrics(gold, ranked[m], shown[m]) for m in METHODS},
            "valence": valence_agreement(project, coder=coder)}


VALENCES = ("barrier", "facilitator", "mixed")


def valence_agreement(project, *, coder: str | None = None) -> dict:
    """How often the cue words give the valence a human coder chose (no coder habits used).

    Each human coding marked barrier, facilitator or mixed is read three
    ways: ``passage``, its own coded words; ``turn``, the whole participant
    turn that holds it (what a suggestion without keyword evidence reads);
    ``turn_habit``, the turn plus the coder's habit for the code learned from
    their *other* codings (leave one out), as a suggestion is made.
    ``accuracy`` counts "no valence" as a miss; ``covered`` is the share where
    something was suggested, ``accuracy_covered`` the accuracy there.
    """
    from evalbench.suggest import data
    from evalbench.suggest.valence import suggest_valence

    conn = project.conn
    sql = ("SELECT d.text, c.start, c.\"end\", c.valence, c.coder, c.code_id, "
           "(SELECT t.start FROM turns t WHERE t.document_id = c.document_id AND t.start <= c.start "
           " AND t.\"end\" > c.start), "
           "(SELECT t.\"end\" FROM turns t WHERE t.document_id = c.document_id AND t.start <= c.start "
           " AND t.\"end\" > c.start) "
           "FROM codings c JOIN documents d ON d.id = c.document_id "
           f"WHERE c.origin IN {data._ORIGINS_SQL} AND c.valence IN ('barrier', 'facilitator', 'mixed')")
    args: tuple = ()
    if coder:
        sql += " AND c.coder = ?"
        args = (coder,)
    rows = conn.execute(sql, args).fetchall()
    habits: dict[tuple[str, str], Counter] = {}
    for *_, gold, who, code_id, _, _ in rows:
        habits.setdefault((who, code_id), Counter())[gold] += 1
    scores = {"passage": Counter(), "turn": Counter(), "turn_habit": Counter()}
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
    out = {"coder": coder, "codings": n}
    for name, c in scores.items():
        out[name] = {"accuracy": round(_ratio(c["correct"], n), 4),
                     "covered": round(_ratio(c["covered"], n), 4),
                     "accuracy_covered": round(_ratio(c["correct"], c["covered"]), 4)}
    out["confusion"] = {f"{g}->{f}": k for (g, f), k in sorted(confusion.items())}
    return out
