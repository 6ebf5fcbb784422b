"""The ``suggest`` command: list, retrain and evaluate code suggestions."""

from __future__ import annotations

import click

from evalbench.cli.common import echo_json, json_option, project_argument
from evalbench.project import Project


def suggestion_rows(proj: Project, suggestions) -> list[dict]:
    """Suggestions as the plain dicts of ``suggest --json``."""
    names = {c.id: c.name for c in proj.codes()}
    docs = {d.id: d.name for d in proj.documents()}
    seqs = dict(proj.conn.execute("SELECT id, seq FROM turns"))
    return [{"document": docs.get(s.document_id), "turn": seqs.get(s.turn_id), "start": s.start,
             "end": s.end, "code": s.code_id, "code_name": names.get(s.code_id, s.code_id),
             "score": s.score, "valence": s.valence, "evidence": list(s.evidence), "source": s.source}
            for s in suggestions]


def _echo_evaluation(result: dict) -> None:
    methods = result["methods"]
    click.echo(f"Cross-validation on {result['turns']} coded participant turns, {result['folds']} folds, "
               f"coder: {result['coder'] or 'all'}, threshold {result['threshold']:.2f}")
    click.echo(f"{'method':<10} {'precision@1':>11} {'precision@3':>11} {'recall@3':>9} {'macro-F1':>9}")
    for name, m in methods.items():
        click.echo(f"{name:<10} {m['precision_at_1']:>11.2f} {m['precision_at_3']:>11.2f} "
                   f"{m['recall_at_3']:>9.2f} {m['macro_f1']:>9.2f}")
    per_code = methods["model"]["per_code"]
    coded = sorted((c for c, v in per_code.items() if v["support"]),
                   key=lambda c: (-per_code[c]["support"], c))
    if coded:
        click.echo("")
        click.echo(f"{'F1 per code':<48} {'turns':>5} {'model':>6} {'rules':>6} {'comb.':>6} {'base':>6}")
        for code in coded:
            f1 = [methods[m]["per_code"].get(code, {}).get("f1", 0.0)
                  for m in ("model", "rules", "combined", "baseline")]
            click.echo(f"{code:<48} {per_code[code]['support']:>5} " + " ".join(f"{x:>6.2f}" for x in f1))
    _echo_valence(result["valence"])
    click.echo("")
    click.echo("precision@1: share of turns whose top-ranked code a human gave; precision@3: share of the "
               "top three a human gave; recall@3: share of a turn's codes in the top three; F1 over the "
               "codes shown (top three above the threshold). Valence accuracy counts no suggestion as a "
               "miss; covered: share given a valence; acc. covered: accuracy where one was given.")


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
        click.echo("coded words, human->suggested: "
                   + ", ".join(f"{pair} {n}" for pair, n in valence["confusion"].items()))


@click.command()
@project_argument
@click.option("--document", metavar="NAME", help="Only this document's turns.")
@click.option("--train", "do_train", is_flag=True, help="Retrain the model from the project's coding first.")
@click.option("--evaluate", "do_evaluate", is_flag=True,
              help="Cross-validate model, rules and a most-frequent-code baseline against human coding.")
@click.option("--coder", help="With --evaluate: score against this coder only. Otherwise: leave out "
              "codes this coder already applied or rejected.")
@click.option("--folds", default=5, show_default=True, help="Folds for --evaluate.")
@click.option("--model", "pipeline", metavar="NAME",
              help="Use an installed spaCy pipeline from now on ('blank:en' for the default); "
              "nothing is downloaded.")
@json_option
def suggest(project: str, document: str | None, do_train: bool, do_evaluate: bool, coder: str | None,
            folds: int, pipeline: str | None, as_json: bool) -> None:
    """Suggested codes for participant turns (offline: codebook keywords and a learned model).

    Lists open suggestions, best first within each turn. Suggestions learn from
    the coding in the project; --train retrains now (in the workbench, the
    suggestions panel says when the model is out of date; retrain from the
    command palette).

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
            click.echo(f"Trained {report.model} {report.model_version} on {report.coded_turns} coded turns "
                       f"({report.examples} examples, {report.rejections} rejections) in {report.seconds:.1f} s",
                       err=as_json)
        if do_evaluate:
            result = proj.evaluate_suggester(coder=coder, folds=folds)
            if as_json:
                echo_json(result)
            else:
                _echo_evaluation(result)
            return
        if do_train:
            return
        rows = suggestion_rows(proj, proj.suggestions(document=document))
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        evidence = ", ".join(r["evidence"])
        click.echo(f"{r['document']}  turn {r['turn']}  {r['score']:.2f}  {r['code']} ({r['code_name']})  "
                   f"{r['valence'] or '-'}  [{r['source']}]" + (f"  evidence: {evidence}" if evidence else ""))
    click.echo(f"{len(rows)} open suggestion(s)", err=True)


COMMANDS = [suggest]
