"""The ``suggest`` command: list, retrain and evaluate code suggestions."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from evalbench.cli.common import echo_json, json_option, project_argument
from evalbench.model import Suggestion
from evalbench.project import Project
from evalbench.suggest.evaluate import Evaluation


@contextmanager
def collector_paused() -> Iterator[None]:
    """The command's garbage-collector policy while it ranks every turn: paused, then as it was.

    The core never switches the collector (it runs in the workbench's threads
    too); a one-shot command owns its process and may. Ranking allocates
    millions of short-lived objects and no reference cycles; with the collector
    running, ranking 20,088 turns in a new process took 2.95–3.15 s CPU instead
    of 2.45–2.56 s (docs/benchmarks.md). Reference counting still frees everything.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def suggestion_rows(proj: Project, suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """Suggestions as the plain dicts of ``suggest --json``."""
    from evalbench.codebook.labels import code_labels

    names = code_labels(proj.codes())
    docs = {d.id: d.name for d in proj.documents()}
    seqs = {t.id: t.seq for t in proj.turns()}
    return [
        {
            "document": docs.get(s.document_id),
            "turn": seqs.get(s.turn_id) if s.turn_id else None,
            "start": s.start,
            "end": s.end,
            "code": s.code_id,
            "code_name": names.get(s.code_id, s.code_id),
            "score": s.score,
            "confidence": s.confidence,
            "valence": s.valence,
            "evidence": list(s.evidence),
            "source": s.source,
        }
        for s in suggestions
    ]


def _echo_evaluation(result: Evaluation, names: dict[str, str]) -> None:
    methods = result["methods"]
    click.echo(
        f"Cross-validation by document: {result['turns']} coded participant turns in "
        f"{result['documents']} interviews, {result['folds']} folds, coder: {result['coder'] or 'all'}"
    )
    cols = (
        ("recall@1", "recall_at_1"),
        ("recall@3", "recall_at_3"),
        ("precision@1", "precision_at_1"),
        ("precision@3", "precision_at_3"),
        ("domain recall@3", "domain_recall_at_3"),
        ("macro-F1", "macro_f1"),
    )
    click.echo(f"{'method':<9}" + "".join(f" {title:>{max(len(title), 8)}}" for title, _ in cols))
    for name, m in methods.items():
        click.echo(f"{name:<9}" + "".join(f" {m[key]:>{max(len(title), 8)}.2f}" for title, key in cols))
    cal = result["calibration"]
    click.echo("")
    click.echo(
        "Confidence shown against how often it was right (each participant turn's top three; "
        "every fold calibrated on the others):"
    )
    click.echo(f"{'shown as':<16} {'suggestions':>11} {'shown':>6} {'right':>6}")
    for band in cal["bands"]:
        click.echo(f"{band['label']:<16} {band['suggestions']:>11} {band['mean_shown']:>6.2f} {band['observed']:>6.2f}")
    click.echo(
        f"At the threshold {result['threshold']:.2f} (estimated share right): {cal['shown_per_turn']:.2f} "
        f"suggestions per participant turn, {cal['shown_precision']:.0%} of them right."
    )
    per_code = methods["model"]["per_code"]
    coded = sorted((c for c, v in per_code.items() if v["support"]), key=lambda c: (-per_code[c]["support"], c))
    if coded:
        width = min(48, max(len(names.get(c, c)) for c in coded + ["F1 per code (model: what is shown)"]))
        click.echo("")
        title = "F1 per code (model: what is shown)"
        click.echo(f"{title:<{width}} {'turns':>5} {'model':>6} {'rules':>6} {'base':>6}")
        for code in coded:
            f1 = [methods[m]["per_code"].get(code, {}).get("f1", 0.0) for m in ("model", "rules", "baseline")]
            label = names.get(code, code)
            label = label if len(label) <= width else label[: width - 1] + "…"
            click.echo(f"{label:<{width}} {per_code[code]['support']:>5} " + " ".join(f"{x:>6.2f}" for x in f1))
    _echo_valence(result["valence"])
    click.echo("")
    click.echo(
        "Whole interviews are held out. recall@k: share of a turn's codes among the top k; precision@1: "
        "the top code is one of them; precision@3: share of the top three that are, out of three; domain "
        "recall@3: share of the turn's CFIR domains among the top three's. F1 over the codes shown at the "
        "threshold. Valence accuracy counts no suggestion as a miss; covered: share given a valence; "
        "acc. covered: accuracy where one was given."
    )


#: The readings of :func:`evalbench.suggest.evaluate.valence_agreement`, as the text output names them.
VALENCE_READINGS = {"passage": "coded words", "turn": "whole turn", "turn_habit": "turn + coder habit"}


def _echo_valence(valence: dict) -> None:
    """The valence block of ``--evaluate``: the same figures as ``--json``'s ``valence``."""
    click.echo("")
    if not valence["codings"]:
        click.echo("Valence: no human codings marked barrier, facilitator or mixed to compare with.")
        return
    click.echo(f"Valence against {valence['codings']} human codings marked barrier, facilitator or mixed")
    click.echo(f"{'reading':<20} {'accuracy':>8} {'covered':>8} {'acc. covered':>12}")
    for key, label in VALENCE_READINGS.items():
        v = valence[key]
        click.echo(f"{label:<20} {v['accuracy']:>8.2f} {v['covered']:>8.2f} {v['accuracy_covered']:>12.2f}")
    if valence["confusion"]:
        click.echo(
            "coded words, human->suggested: " + ", ".join(f"{pair} {n}" for pair, n in valence["confusion"].items())
        )


@click.command()
@project_argument
@click.option("--document", metavar="NAME", help="Only this document's turns.")
@click.option("--train", "do_train", is_flag=True, help="Retrain the model from the project's coding first.")
@click.option(
    "--evaluate",
    "do_evaluate",
    is_flag=True,
    help="Cross-validate by document: the suggestions, the keywords alone and a most-frequent-code "
    "baseline against human coding, and how honest the shown confidence is.",
)
@click.option(
    "--coder",
    help="With --evaluate: score against this coder only. Otherwise: leave out "
    "codes this coder already applied or rejected.",
)
@click.option("--folds", default=5, show_default=True, help="Folds of documents for --evaluate.")
@click.option(
    "--model",
    "pipeline",
    metavar="NAME",
    help="Use an installed spaCy pipeline from now on ('blank:en' for the default); nothing is downloaded.",
)
@json_option
def suggest(
    project: str,
    document: str | None,
    do_train: bool,
    do_evaluate: bool,
    coder: str | None,
    folds: int,
    pipeline: str | None,
    as_json: bool,
) -> None:
    """Suggested codes for participant turns (offline: a model that learns your coding, and the codebook).

    Lists open suggestions, best first within each turn, with how often such
    a suggestion was right in this project's own coding ("often right",
    "sometimes right"). Suggestions learn from the coding and rejections in the
    project; --train retrains now (the workbench retrains by itself in the
    background when the coding has changed).

    \b
    Example:
      evalbench suggest study.evb --document p01.txt
      evalbench suggest study.evb --train
      evalbench suggest study.evb --evaluate --coder alex --folds 5 --json
    """
    with Project.open(project, coder=coder) as proj:
        if pipeline:
            proj.set_suggest_pipeline(pipeline)
        if do_train:
            report = proj.train_suggester()
            if as_json and not do_evaluate:
                echo_json(vars(report))
                return
            click.echo(
                f"Trained {report.model} {report.model_version} on {report.coded_turns} coded turns "
                f"({report.examples} examples, {report.rejections} rejections) in {report.seconds:.1f} s",
                err=as_json,
            )
        if do_evaluate:
            from evalbench.codebook.labels import code_labels

            result = proj.evaluate_suggester(coder=coder, folds=folds)
            if as_json:
                echo_json(result)
            else:
                _echo_evaluation(result, code_labels(proj.codes()))
            return
        if do_train:
            return
        with collector_paused():
            found = proj.suggestions(document=document)
        rows = suggestion_rows(proj, found)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        evidence = ", ".join(r["evidence"])
        click.echo(
            f"{r['document']}  turn {r['turn']}  {r['code_name']}  {r['confidence']} ({r['score']:.2f})  "
            f"{r['valence'] or '-'}" + (f"  evidence: {evidence}" if evidence else "")
        )
    click.echo(f"{len(rows)} open suggestion(s)", err=True)


COMMANDS = [suggest]
