"""Findings in the project: which coding counts, counts that match a recount, quotes, undo, passages."""

from __future__ import annotations

import pytest

from evalbench.errors import UserError
from evalbench.findings.model import NO_PARTICIPANT
from evalbench.project import Project
from tests.tui.conftest import stored


def turn_span(project, document: str, seq: int) -> tuple[int, int]:
    doc = project.document(document, with_text=False)
    turn = next(t for t in project.turns(doc.id) if t.seq == seq)
    return doc.id, turn.start, turn.end


@pytest.fixture
def two_coders(project) -> Project:
    """The small project coded by alex and sam: both code turn 2 of p01 (valences differ) and p02; only alex turn 4."""
    doc1, s2, e2 = turn_span(project, "p01.txt", 2)
    _, s4, e4 = turn_span(project, "p01.txt", 4)
    doc2, s, e = turn_span(project, "p02.txt", 2)
    rows = [
        (doc1, s2, e2, "inner.priority", "alex", "barrier"),
        (doc1, s2, e2, "inner.priority", "sam", "mixed"),
        (doc1, s4, e4, "inner.culture", "alex", "facilitator"),
        (doc2, s, e, "inner.culture", "sam", "facilitator"),
        (doc2, s, e, "inner.culture", "alex", "facilitator"),
    ]
    keys = ("document_id", "start", "end", "code_id", "coder", "valence")
    project.add_codings([dict(zip(keys, row, strict=True)) for row in rows], label="two coders")
    return project


# --- which coding ---------------------------------------------------------------------------
def test_one_coder_is_chosen_without_asking(project):
    doc, s, e = turn_span(project, "p01.txt", 2)
    project.add_coding(doc, s, e, "inner.priority", valence="barrier")
    choice = project.themes.choose()
    assert (choice.coder, choice.all_coders, choice.description) == ("alex", False, "alex's coding")


def test_two_coders_without_consensus_stop_with_one_line_naming_the_choices(two_coders):
    with pytest.raises(UserError) as err:
        two_coders.themes.choose()
    message = str(err.value)
    assert "\n" not in message
    assert "--coder NAME" in message and "--coder consensus" in message and "--all-coders" in message
    assert two_coders.themes.choose("sam").description == "sam's coding"
    every = two_coders.themes.choose(all_coders=True)
    assert every.coder is None and every.coders == ("alex", "sam")
    assert every.description == "every coder's coding (alex, sam), not reconciled"
    with pytest.raises(UserError, match="no coder 'kim'"):
        two_coders.themes.choose("kim")
    with pytest.raises(UserError, match="no consensus coding yet"):
        two_coders.themes.choose("consensus")
    with pytest.raises(UserError, match="not both"):
        two_coders.themes.choose("sam", all_coders=True)


def test_consensus_counts_once_every_disagreement_is_decided_and_the_agreed_coding_adopted(two_coders):
    p = two_coders
    p.adopt_agreed(["alex", "sam"])  # turn 2 of p01 and p02's turn: both applied the code
    with pytest.raises(UserError, match=r"consensus coding is not complete \(1 turn × code"):
        p.themes.choose()
    (left,) = p.disagreements(["alex", "sam"])
    assert left.code == "inner.culture" and left.turn == 4
    p.resolve_disagreement(left, "keep_b")  # sam did not apply it: the consensus keeps nothing here
    choice = p.themes.choose()
    assert choice.coder == "consensus" and choice.reconciled == ("alex", "sam")
    assert choice.description == "the consensus coding of alex and sam"
    assert p.themes.choose("consensus") == choice


def test_a_transcript_only_one_coder_coded_must_be_in_the_consensus_too(two_coders):
    p = two_coders
    p.adopt_agreed(["alex", "sam"])
    for d in p.disagreements(["alex", "sam"]):
        p.resolve_disagreement(d, "keep_a")
    assert p.themes.choose().coder == "consensus"
    doc, s, e = turn_span(p, "p02.txt", 2)
    p.add_coding(doc, s, e, "inner.priority", coder="kim", valence="barrier")  # a third coder, alone here
    with pytest.raises(UserError, match="not complete"):
        p.themes.choose()


# --- the table --------------------------------------------------------------------------------
def recount(project, coder: str, code_ids: set[str], valence: str | None):
    """Participants, documents and codings of a rule, counted straight from the codings."""
    docs = {d.id: d for d in project.documents()}
    hits = [
        c for c in project.codings(coder=coder) if c.code_id in code_ids and (valence is None or c.valence == valence)
    ]
    people = {docs[c.document_id].participant or docs[c.document_id].name for c in hits}
    return len(people), len({c.document_id for c in hits}), len(hits)


def test_table_counts_match_a_recount_from_the_codings(demo_file, tmp_path):
    import shutil

    project = Project.open(shutil.copy(demo_file, tmp_path / "d.evb"), coder="lead")
    service = project.themes
    for theme in service.list():
        service.remove(theme.id)
    theme = service.add("No protected time", "Barriers")
    service.link(theme.id, "cfir2.inner.resources", "barrier")  # takes in funding, space, materials…
    culture = service.add("Safe to talk about errors", "Successes")
    service.link(culture.id, "cfir2.inner.culture")
    choice = service.choose("alex")
    rows = {r.theme: r for r in service.table(choice)}
    subtree = {c.id for c in project.codes() if c.id.startswith("cfir2.inner.resources")}
    assert (
        rows["No protected time"].participants,
        rows["No protected time"].documents,
        rows["No protected time"].codings,
    ) == recount(project, "alex", subtree, "barrier")
    culture_codes = {c.id for c in project.codes() if c.id.startswith("cfir2.inner.culture")}
    row = rows["Safe to talk about errors"]
    assert (row.participants, row.documents, row.codings) == recount(project, "alex", culture_codes, None)
    assert sum(row.by_group.values()) == row.participants
    roles = {d.participant: d.attributes["role"] for d in project.documents() if d.participant}
    assert set(row.by_group) <= set(roles.values())
    assert [r.category for r in service.table(choice)] == [
        c.name for c in service.categories() if any(t.category_id == c.id for t in service.list())
    ]
    assert len(row.quotes) == 3 and len({q.participant for q in row.quotes}) == 3  # spread across people
    assert all(q.coder == "alex" and q.text for q in row.quotes)
    project.close()


def test_counts_and_quotes_follow_the_coding_and_every_change_undoes(project):
    service = project.themes
    theme = service.add("No protected time", "Barriers", description="Clinicians had no time for reviews.")
    service.link(theme.id, "inner.priority", "barrier")
    choice = service.choose()
    assert service.table(choice)[0].codings == 0
    doc, s, e = turn_span(project, "p01.txt", 2)
    coding = project.add_coding(doc, s, e, "inner.priority", valence="barrier")
    (row,) = service.table(service.choose())
    assert (row.participants, row.documents, row.codings) == (0, 1, 1)
    assert row.unlinked_documents == ("p01.txt",) and row.by_group == {NO_PARTICIPANT: 1}
    assert row.quotes[0].participant is None and row.quotes[0].who == "no participant: p01.txt"
    project.set_participant(doc, "P01", {"role": "physician", "site": "North"})
    (row,) = service.table(service.choose())
    assert (row.participants, row.by_group, row.unlinked_documents) == (1, {"physician": 1}, ())
    project.update_coding(coding, valence="mixed")
    assert service.table(service.choose())[0].codings == 0
    project.undo()
    assert service.table(service.choose())[0].codings == 1
    service.exclude(theme.id, [coding])
    assert service.table(service.choose())[0].codings == 0
    assert stored(project).themes.table(service.choose())[0].codings == 0  # a fresh connection agrees
    assert project.undo().startswith("Exclude “Honestly, competing priorities.")
    assert service.table(service.choose())[0].codings == 1


def test_hand_added_codings_and_picked_exemplars_lead_the_quotes(project):
    service = project.themes
    doc1, s2, e2 = turn_span(project, "p01.txt", 2)
    doc1, s4, e4 = turn_span(project, "p01.txt", 4)
    doc2, s, e = turn_span(project, "p02.txt", 2)
    first = project.add_coding(doc1, s2, e2, "inner.culture", valence="facilitator")
    second = project.add_coding(doc1, s4, e4, "inner.culture", valence="facilitator")
    other = project.add_coding(doc2, s, e, "inner.priority", valence="facilitator")
    theme = service.add("Safe culture", "Successes")
    service.link(theme.id, "inner", "facilitator")  # a domain rule takes in its constructs
    assert service.table(service.choose())[0].codings == 3
    service.pick(theme.id, second)
    service.pick(theme.id, other, position=0)
    (row,) = service.table(service.choose(), quotes=2)
    assert [q.coding_id for q in row.quotes] == [other, second] and all(q.picked for q in row.quotes)
    (row,) = service.table(service.choose(), quotes=3)
    assert [q.coding_id for q in row.quotes] == [other, second, first] and not row.quotes[2].picked
    service.order_exemplars(theme.id, [second, other])
    assert service.exemplars(theme.id) == [second, other]
    project.remove_coding(second)
    assert [q.coding_id for q in service.table(service.choose())[0].quotes] == [other, first]
    project.undo()  # the coding comes back, and with it its place among the exemplars
    assert [q.coding_id for q in service.table(service.choose())[0].quotes][:2] == [second, other]


def test_every_coder_mode_quotes_a_passage_once_under_one_valence(two_coders):
    service = two_coders.themes
    barrier = service.add("Competing priorities", "Barriers")
    service.link(barrier.id, "inner.priority", "barrier")
    mixed = service.add("Priorities cut both ways", "Mixed feelings")
    service.link(mixed.id, "inner.priority", "mixed")
    rows = {r.theme: r for r in service.table(service.choose(all_coders=True))}
    # alex said barrier, sam mixed: a tie, so the passage counts under alex's valence, once
    assert rows["Competing priorities"].codings == 2 and len(rows["Competing priorities"].quotes) == 1
    assert rows["Priorities cut both ways"].codings == 0
    quoted = {q.text for r in rows.values() for q in r.quotes}
    assert len(quoted) == 1
    # one coder's coding keeps each coder's own valence
    assert {r.theme: r.codings for r in service.table(service.choose("sam"))} == {
        "Competing priorities": 0,
        "Priorities cut both ways": 1,
    }


def test_matrix_counts_participants_per_site_and_gives_the_quotes_behind_a_cell(demo_file, tmp_path):
    import shutil

    project = Project.open(shutil.copy(demo_file, tmp_path / "d.evb"), coder="lead")
    service = project.themes
    theme = service.theme("Competing priorities")  # from sample_transcripts/themes.csv, loaded by the demo
    choice = service.choose("sam")
    frame = service.matrix(choice, by="site")
    sites = sorted({p.attributes["site"] for p in project.participants()})
    assert list(frame.columns) == ["category", "theme", *sites]
    for site in sites:
        quotes = service.cell_quotes(choice, theme.id, "site", site)
        people = {q.participant for q in quotes}
        assert frame.loc[theme.id, site] == len(people)
        site_of = {p.label: p.attributes["site"] for p in project.participants()}
        assert all(site_of[q.participant] == site for q in quotes)
    with pytest.raises(UserError, match="cannot group by 'colour'"):
        service.matrix(choice, by="colour")
    project.close()


def test_theme_edits_keep_order_and_refuse_what_would_lose_work(project):
    service = project.themes
    assert [c.name for c in service.apply_preset("successes-barriers-lessons")] == [
        "Successes",
        "Barriers",
        "Lessons learned",
    ]
    a = service.add("Reporting got easier", "Successes")
    b = service.add("Learning together", "Successes")
    service.move(b.id, position=0)
    assert [t.name for t in service.list()] == ["Learning together", "Reporting got easier"]
    service.move(a.id, category="Lessons learned")
    assert service.theme("Reporting got easier").category == "Lessons learned"
    with pytest.raises(UserError, match="still holds 1 theme"):
        service.remove_category("Lessons learned")
    service.move_category("Lessons learned", 0)
    assert [c.name for c in service.categories()] == ["Lessons learned", "Successes", "Barriers"]
    with pytest.raises(UserError, match="already a theme"):
        service.add("learning together", "Successes")
    with pytest.raises(UserError, match="no code 'nope'"):
        service.link(a.id, "nope")
    service.rename_category("Lessons learned", "Lessons")
    service.describe(a.id, "Teams said the form took a minute.")
    service.map_cfir(a.id, "inner.culture")
    assert service.table(service.choose())[0].cfir == "Inner Setting › Culture"
    labels = [project.undo() for _ in range(3)]
    assert labels == [
        "Map theme Reporting got easier to Culture",
        "Describe theme Reporting got easier",
        "Rename theme category Lessons learned to Lessons",
    ]


def test_merge_and_split_move_rules_codings_and_exemplars(project):
    service = project.themes
    doc, s, e = turn_span(project, "p01.txt", 2)
    coding = project.add_coding(doc, s, e, "inner.priority", valence="barrier")
    time = service.add("No time", "Barriers", description="No protected time.")
    service.link(time.id, "inner.priority", "barrier")
    service.pick(time.id, coding)
    load = service.add("Workload", "Barriers", description="Too much else to do.")
    service.link(load.id, "inner.priority", "barrier")
    service.link(load.id, "inner.culture", "barrier")
    merged = service.merge([load.id], time.id)
    assert merged.description == "No protected time.\n\nToo much else to do."
    assert sorted((r.code_id, r.valence) for r in service.rules(time.id)) == [
        ("inner.culture", "barrier"),
        ("inner.priority", "barrier"),
    ]
    assert [t.name for t in service.list()] == ["No time"]
    culture_rule = next(r for r in service.rules(time.id) if r.code_id == "inner.culture")
    split = service.split(time.id, "Culture of blame", rules=[culture_rule.id], codings=[coding])
    assert [t.name for t in service.list()] == ["No time", "Culture of blame"]
    assert [r.code_id for r in service.rules(split.id)] == ["inner.culture"]
    rows = {r.theme: r for r in service.table(service.choose())}
    assert rows["No time"].codings == 0 and rows["Culture of blame"].codings == 1
    assert service.exemplars(split.id) == [coding]
    project.undo()
    project.undo()
    assert [t.name for t in service.list()] == ["No time", "Workload"]
    assert stored(project).themes.exemplars("No time") == [coding]
