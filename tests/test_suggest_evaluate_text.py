"""`suggest --evaluate` as text shows the figures `--json` has: precision@3 and valence accuracy."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from evalbench.cli import main


@pytest.fixture(scope="module")
def evaluated(demo_file, tmp_path_factory) -> tuple[list[str], dict]:
    """Text lines and JSON of the demo's evaluation for alex (same folds, same seed)."""
    path = shutil.copy(demo_file, tmp_path_factory.mktemp("eval") / "demo.evb")
    args = ["suggest", str(path), "--evaluate", "--folds", "2", "--coder", "alex"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    data = CliRunner().invoke(main, [*args, "--json"])
    assert data.exit_code == 0, data.output
    return text.stdout.splitlines(), json.loads(data.stdout)


def test_method_table_has_the_json_figures(evaluated):
    lines, data = evaluated
    header = next(line for line in lines if line.startswith("method"))
    assert header.split() == [
        "method",
        "recall@1",
        "recall@3",
        "precision@1",
        "precision@3",
        "domain",
        "recall@3",
        "macro-F1",
    ]
    for name, m in data["methods"].items():
        row = next(line for line in lines if line.split()[:1] == [name])
        assert row.split()[1:] == [
            f"{m[k]:.2f}"
            for k in (
                "recall_at_1",
                "recall_at_3",
                "precision_at_1",
                "precision_at_3",
                "domain_recall_at_3",
                "macro_f1",
            )
        ]


def test_calibration_block_shows_the_json_bands_in_words(evaluated):
    lines, data = evaluated
    bands = data["calibration"]["bands"]
    assert bands
    for band in bands:
        row = next(line for line in lines if line.startswith(band["label"] + " "))
        assert row[len(band["label"]) :].split() == [
            str(band["suggestions"]),
            f"{band['mean_shown']:.2f}",
            f"{band['observed']:.2f}",
        ]
    shown = data["calibration"]
    assert (
        f"{shown['shown_per_turn']:.2f} suggestions per participant turn, {shown['shown_precision']:.0%} of them right"
    ) in " ".join(lines)


def test_codes_are_named_not_numbered(evaluated):
    lines, _ = evaluated
    table = lines[lines.index(next(line for line in lines if line.startswith("F1 per code"))) + 1 :]
    assert table and not any("cfir2." in line for line in table)
    assert any(line.startswith("Engaging › Innovation Deliverers") for line in lines)


def test_valence_block_shows_the_json_accuracies(evaluated):
    lines, data = evaluated
    valence = data["valence"]
    assert valence["codings"] > 0
    assert f"Valence against {valence['codings']} human codings marked barrier, facilitator or mixed" in lines
    readings = {"coded words": "passage", "whole turn": "turn", "turn + coder habit": "turn_habit"}
    for label, key in readings.items():
        row = next(line for line in lines if line.startswith(label + " "))
        v = valence[key]
        assert row[len(label) :].split() == [
            f"{v['accuracy']:.2f}",
            f"{v['covered']:.2f}",
            f"{v['accuracy_covered']:.2f}",
        ]
    confusion = next(line for line in lines if line.startswith("coded words, human->suggested:"))
    for pair, n in valence["confusion"].items():
        assert f"{pair} {n}" in confusion
