"""The built-in CFIR 2.0 codebook: the fixed IDs everyone uses, complete guidance."""

from __future__ import annotations

from pathlib import Path

from evalbench import codebook
from evalbench.codebook import load_codebook_source, template, template_names

DOMAINS = ["cfir2.innovation", "cfir2.outer", "cfir2.inner", "cfir2.individuals", "cfir2.process"]
CONSTRUCTS = {
    "innovation": "source evidence relative_advantage adaptability trialability complexity design cost",
    "outer": "critical_incidents local_attitudes local_conditions partnerships policies_laws financing "
    "external_pressure",
    "inner": "structure relational_connections communications culture tension_for_change compatibility "
    "relative_priority incentives mission_alignment resources access_to_knowledge",
    "individuals": "high_level_leaders mid_level_leaders opinion_leaders facilitators implementation_leads "
    "team_members other_support deliverers recipients need capability opportunity motivation",
    "process": "teaming assessing_needs assessing_context planning tailoring engaging doing reflecting adapting",
}
SUBCONSTRUCTS = {
    "cfir2.outer.external_pressure": "societal market performance_measurement",
    "cfir2.inner.structure": "physical it work",
    "cfir2.inner.culture": "human_equality recipient deliverer learning",
    "cfir2.inner.resources": "funding space materials",
    "cfir2.process.assessing_needs": "deliverers recipients",
    "cfir2.process.engaging": "deliverers recipients",
    "cfir2.process.reflecting": "implementation innovation",
}


def test_cfir2_has_exactly_the_team_ids_in_a_three_level_tree():
    book = template("cfir2")
    expected = {d: None for d in DOMAINS}
    for dom, slugs in CONSTRUCTS.items():
        for s in slugs.split():
            expected[f"cfir2.{dom}.{s}"] = f"cfir2.{dom}"
    for parent, slugs in SUBCONSTRUCTS.items():
        for s in slugs.split():
            expected[f"{parent}.{s}"] = parent
    got = {c.id: c.parent_id for c in book.codes}
    assert got == expected
    depths = [book.depth(c.id) for c in book.codes]
    assert (depths.count(0), depths.count(1), depths.count(2)) == (5, 48, 19)


def test_cfir2_names_follow_cfir_and_every_code_has_guidance():
    book = template("cfir2")
    names = {c.id: c.name for c in book.codes}
    assert names["cfir2.innovation.source"] == "Innovation Source"
    assert names["cfir2.outer.critical_incidents"] == "Critical Incidents"
    assert names["cfir2.inner.culture.learning"] == "Learning-Centeredness"
    assert names["cfir2.inner.resources.materials"] == "Materials & Equipment"
    for code in book.codes:
        assert code.definition and code.inclusion and code.exclusion, code.id
        if book.depth(code.id) > 0:
            assert len(code.keywords) >= 4, code.id
    rp = book.get("cfir2.inner.relative_priority")
    assert {"competing priorities", "bandwidth", "on the back burner"} <= set(rp.keywords)
    assert "protected time" in book.get("cfir2.inner.structure.work").keywords
    assert book.effective_color("cfir2.inner.culture.learning") == book.get("cfir2.inner").color


def test_template_file_carries_attribution():
    book = template("cfir2")
    assert "Damschroder" in book.meta["attribution"] and "CC BY 4.0" in book.meta["attribution"]
    text = (Path(codebook.__file__).parent / "templates" / "cfir2.yaml").read_text()
    assert "paraphrase" in text


def test_load_codebook_source_takes_a_name_or_a_path(tmp_path):
    assert "cfir2" in template_names()
    codes = load_codebook_source("cfir2")
    assert len(codes) == 72
    ids = [c.id for c in codes]
    assert all(ids.index(c.parent_id) < ids.index(c.id) for c in codes if c.parent_id)
    path = tmp_path / "mine.yaml"
    path.write_text("evalbench_codebook: 1\ncodes:\n- id: a\n  name: A\n- id: a.b\n  parent: a\n  name: B\n")
    assert [c.id for c in load_codebook_source(path)] == ["a", "a.b"]


def test_cfir2009_is_available_with_39_constructs():
    book = template("cfir2009")
    depths = [book.depth(c.id) for c in book.codes]
    assert (depths.count(0), depths.count(1) + depths.count(2)) == (5, 39)
    assert book.get("cfir2009.inner.climate.learning_climate").name == "Learning Climate"
    assert all(c.definition and c.inclusion and c.exclusion for c in book.codes)
    assert "Damschroder" in book.meta["attribution"]
