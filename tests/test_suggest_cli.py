"""`evalbench suggest`: listing as JSON, retraining, evaluating, configuring a pipeline."""

from __future__ import annotations

import json

from click.testing import CliRunner

from evalbench.cli import main

KEYS = {"document", "turn", "start", "end", "code", "code_name", "score", "confidence", "valence", "evidence", "source"}


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result


def test_json_lists_open_suggestions_in_the_documented_shape(project):
    path = str(project.path)
    project.close()
    result = run("suggest", path, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(set(r) == KEYS for r in rows)
    top = next(r for r in rows if r["code"] == "inner.priority")
    assert top["document"] == "p01.txt" and top["turn"] == 2
    assert top["code_name"] == "Relative Priority"
    assert top["evidence"][0] == "competing priorities" and top["valence"] == "barrier"
    assert isinstance(top["score"], float) and top["source"] in {"rules", "model", "rules+model"}
    for turn in {r["turn"] for r in rows}:
        scores = [r["score"] for r in rows if r["turn"] == turn and r["document"] == top["document"]]
        assert scores == sorted(scores, reverse=True)


def test_document_filter_and_plain_listing(project):
    path = str(project.path)
    project.close()
    rows = json.loads(run("suggest", path, "--document", "p02.txt", "--json").stdout)
    assert {r["document"] for r in rows} <= {"p02.txt"}
    text = run("suggest", path, "--document", "p01.txt")
    assert text.exit_code == 0 and "p01.txt  turn 2" in text.stdout and "competing priorities" in text.stdout
    missing = run("suggest", path, "--document", "nope.txt")
    assert missing.exit_code == 1 and "no document 'nope.txt'" in missing.stderr


def test_train_reports_and_stores_a_model(project):
    path = str(project.path)
    project.close()
    result = run("suggest", path, "--train", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["model"].startswith("tfidf-logistic") and report["labels"] == 3
    assert not report["cancelled"]


def test_evaluate_prints_a_table_and_json(tmp_path):
    from evalbench.project import Project
    from evalbench.suggest.synthetic import build_project

    path = tmp_path / "syn.evb"
    build_project(Project.init(path, coder="alex"), n_docs=6, seed=2).close()
    table = run("suggest", str(path), "--evaluate", "--folds", "3")
    assert table.exit_code == 0, table.output
    for word in (
        "recall@1",
        "precision@1",
        "recall@3",
        "domain recall@3",
        "model",
        "rules",
        "baseline",
        "F1 per code",
        "Cross-validation by document",
        "often right",
    ):
        assert word in table.stdout
    data = json.loads(run("suggest", str(path), "--evaluate", "--folds", "3", "--coder", "alex", "--json").stdout)
    assert data["coder"] == "alex" and data["folds"] == 3 and data["unit"] == "document"
    assert set(data["methods"]) == {"model", "rules", "baseline"}
    assert {
        "recall_at_1",
        "precision_at_1",
        "recall_at_3",
        "precision_at_3",
        "domain_recall_at_3",
        "macro_f1",
        "per_code",
    } <= set(data["methods"]["model"])
    bands = data["calibration"]["bands"]
    assert bands and all({"label", "suggestions", "mean_shown", "observed"} <= set(b) for b in bands)
    nobody = run("suggest", str(path), "--evaluate", "--coder", "nobody")
    assert nobody.exit_code == 1 and "coded participant turns" in nobody.stderr


def test_uninstalled_pipeline_is_one_clear_line(project):
    path = str(project.path)
    project.close()
    result = run("suggest", path, "--model", "en_core_web_lg")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "en_core_web_lg" in result.stderr and "never downloads" in result.stderr


def test_similar_lists_like_turns_in_words_and_as_json(project):
    turn = next(t for t in project.turns() if t.role == "participant")
    coding = project.add_coding(turn.document_id, turn.start, turn.end, "inner.priority")
    path = str(project.path)
    project.close()
    text = run("similar", path, str(coding), "--coder", "sam")
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("More like Relative Priority, p01.txt “Honestly, competing priorities…”:")
    rows = json.loads(run("similar", path, str(coding), "--coder", "sam", "--json").stdout)
    assert rows and all(
        {"document", "participant", "turn", "score", "similarity", "fit", "shared", "text"} <= set(r) for r in rows
    )
    assert all(r["turn_id"] != turn.id for r in rows)  # never the coding's own turn
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    missing = run("similar", path, "9999")
    assert missing.exit_code == 1 and "no coding 9999" in missing.stderr
