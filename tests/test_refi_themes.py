"""Issue 17: themes travel in .qdpx — whole in evalbench's member, as Sets and Notes for other programs.

The sample study's themes, with everything a lead adds by hand (codings added
and kept out, exemplars picked in an order, a CFIR mapping, a rule with a
valence, an empty category, a theme with no rule), go out to a .qdpx and come
back through ``init --from``; the theme table must read the same. The archive
is checked against the official schema, and read as another program would
(Sets and Notes only, no member).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.findings.snapshot import snapshot, translate
from evalbench.model import ImportReport
from evalbench.project import Project
from evalbench.xmlsafe import parse_xml, validation_errors

from .conftest import file_sql
from .conftest import run_cli as run

NS = "{urn:QDA-XML:project:1.0}"


def _passages(project) -> dict[int, tuple]:
    """coding id -> (transcript, start, end, code, coder): what a coding is, in any project."""
    names = {d.id: d.name for d in project.documents()}
    return {c.id: (names[c.document_id], c.start, c.end, c.code_id, c.coder) for c in project.codings()}


def _themes_by_passage(project) -> dict:
    data, missing = translate(snapshot(project.store), _passages(project))
    assert missing == 0
    return data


@pytest.fixture(scope="module")
def study(demo_file, tmp_path_factory):
    """(the demo with hand-curated themes, its .qdpx, the project built back from it, the import's warnings)."""
    folder = tmp_path_factory.mktemp("themes-qdpx")
    path = shutil.copy(demo_file, folder / "study.evb")
    with Project.open(path, coder="alex") as proj:
        themes = proj.themes
        choice = themes.choose("alex")
        first, second = themes.list()[:2]
        evidence = [q.coding_id for q in themes.table(choice, quotes=6)[0].quotes]
        themes.exclude(first.id, [evidence[0]])
        outside = next(c.id for c in proj.codings(coder="sam") if c.id not in evidence)
        themes.include(first.id, [outside])
        themes.pick(first.id, evidence[2])
        themes.pick(first.id, evidence[1])  # picked after, so second in the table
        themes.link(second.id, "cfir2.inner.culture", "mixed")
        themes.map_cfir(second.id, "cfir2.inner")
        themes.add_category("Open questions")
        loose = themes.add("Who owns follow-up?", "Open questions", description="Raised twice; no rule yet.")
        themes.include(loose.id, [evidence[3]])
        themes.add_category("Parked")  # a category with no theme still travels
        proj.export_qdpx(folder / "study.qdpx")
    report = ImportReport()
    Project.from_qdpx(folder / "back.evb", folder / "study.qdpx", report=report).close()
    return folder / "study.evb", folder / "study.qdpx", folder / "back.evb", report.warnings


def test_themes_come_back_whole_and_the_theme_table_reads_the_same(study, tmp_path):
    original, _qdpx, back, warnings = study
    with Project.open(original) as a, Project.open(back, coder="alex") as b:
        before, after = _themes_by_passage(a), _themes_by_passage(b)
        assert after == before  # categories, order, descriptions, CFIR, rules with valence, hand links, picks
        assert [c["name"] for c in after["categories"]][-2:] == ["Open questions", "Parked"]
        first = after["categories"][0]["themes"][0]
        assert [link["included"] for link in first["codings"]] == [False, True] and len(first["exemplars"]) == 2
        assert b.undo_label() == "Import themes from study.qdpx"
    assert not [w for w in warnings if "theme" in w]
    for args in (["themes", "list", "--json", "--coder", "alex"], ["themes", "list", "--json", "--all-coders"]):
        assert json.loads(run(*args[:2], back, *args[2:]).stdout) == json.loads(
            run(*args[:2], original, *args[2:]).stdout
        )
    for path in (original, back):
        run("export", path, "-o", tmp_path / f"{path.stem}.md", "--layout", "themes", "--coder", "alex")
    table = [
        (tmp_path / f"{p.stem}.md").read_text(encoding="utf-8").split("## Table 1.", 1)[1] for p in (original, back)
    ]
    assert table[0] == table[1] and "Who owns follow-up?" in table[0]


def test_each_theme_is_a_set_of_its_codes_with_a_note_valid_against_the_schema(study, shared_dir):
    original, qdpx, back, _warnings = study
    with zipfile.ZipFile(qdpx) as zf:
        root = parse_xml(zf.read("project.qde"), source="project.qde")
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []
    parts = [local(el) for el in root]
    assert parts.index("Sets") == parts.index("Notes") + 1  # where the schema puts them
    code_names = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    notes = {n.get("guid"): n for n in root.iter(f"{NS}Note")}
    sets = {s.get("name"): s for s in root.iter(f"{NS}Set")}
    with Project.open(original) as proj:
        themes = proj.themes.list()
        labels = {c.id: c.name for c in proj.codes()}
        assert list(sets) == [f"{t.category}: {t.name}" for t in themes]
        second = themes[1]
        members = [
            code_names[m.get("targetGUID")] for m in sets[f"{second.category}: {second.name}"].iter(f"{NS}MemberCode")
        ]
        assert members == list(dict.fromkeys(labels[r.code_id] for r in proj.themes.rules(second.id)))
        description = sets[f"{second.category}: {second.name}"].find(f"{NS}Description").text
        assert description.startswith(second.description.strip())
        assert f"\n\nCategory: {second.category}\nCFIR: Inner Setting\nCodes: " in description
        assert "Culture (mixed only)" in description
        first = themes[0]
        (note_ref,) = sets[f"{first.category}: {first.name}"].iter(f"{NS}MemberNote")
        note = notes[note_ref.get("targetGUID")]
        assert note.get("name") == f"Theme: {first.name} ({first.category})"
        text = note.find(f"{NS}PlainTextContent").text
        assert "1 coding(s) added by hand, 1 kept out by hand." in text
        picks = proj.themes.exemplars(first.id)
        quoted = re.findall(r"^\d\. \u201c(.{20})", text.split("Exemplar quotes, in the order picked:")[1], flags=re.M)[
            :2
        ]
        texts = {c.id: proj.document_text(c.document_id)[c.start : c.end] for c in proj.codings()}
        assert quoted == [" ".join(texts[i].split())[:20] for i in picks]
    with Project.open(back) as proj:
        assert not file_sql(
            back, "SELECT target_id FROM memos WHERE text LIKE 'Exemplar%' OR target_id LIKE 'Theme:%'"
        )  # the notes did not become memos


def local(el) -> str:
    return el.tag.rpartition("}")[2]


def test_without_the_member_the_sets_still_bring_the_themes_back(study, tmp_path):
    """What NVivo or MAXQDA would hand back: project.qde and sources, no evalbench.json."""
    original, qdpx, _back, _warnings = study
    stripped = tmp_path / "from-nvivo.qdpx"
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(stripped, "w") as out:
        for item in src.infolist():
            if item.filename != "evalbench.json":
                out.writestr(item, src.read(item))
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "again.evb", stripped, report=report) as again, Project.open(original) as a:
        # without the member, code IDs are rebuilt from the names: compare codes by the label a person reads
        expected, got = (_by_label(p) for p in (a, again))
        assert got == [c for c in expected if c["themes"]]  # a category with no theme has no set
        theme_memos = [
            t
            for (t,) in file_sql(again.path, "SELECT target_id FROM memos WHERE target_type = 'project'")
            if t.startswith("Theme: ")
        ]
        assert len(theme_memos) == len(a.themes.list())  # the notes are kept, as project memos
    assert not [w for w in report.warnings if "set" in w]


def _by_label(project) -> list[dict]:
    """The snapshot's categories with codes as labels and no hand decisions, picks or creation times."""
    from evalbench.codebook.labels import code_labels

    labels = code_labels(project.codes())
    out = snapshot(project.store)["categories"]
    for category in out:
        for theme in category["themes"]:
            theme.update(
                codings=[],
                exemplars=[],
                cfir=labels.get(theme["cfir"]),
                rules=[(labels[r["code"]], r["valence"]) for r in theme["rules"]],
            )
    return out


def test_a_one_coder_export_leaves_out_the_other_coders_picks_and_says_so(study, tmp_path):
    original, *_ = study
    out = tmp_path / "alex.qdpx"
    done = run("export", original, "-o", out, "--coder", "alex")
    assert "hand-picked coding(s) or exemplar(s) of themes are codings outside alex's coding" in done.output
    with zipfile.ZipFile(out) as zf:
        member = json.loads(zf.read("evalbench.json"))["themes"]
    links = [link for c in member["categories"] for t in c["themes"] for link in t["codings"]]
    with Project.open(original) as proj:
        hand = file_sql(original, "SELECT coding_id FROM theme_codings")
        sams = sum(1 for h in hand if proj.coding(h[0]).coder == "sam")
        assert sams and len(links) == len(hand) - sams
        themes = len(proj.themes.list())
    with Project.from_qdpx(tmp_path / "alex.evb", out) as back:
        assert len(back.themes.list()) == themes


def _with_sets(qdpx, out, sets_xml: str) -> None:
    """A copy of another program's archive with ``sets_xml`` added where the schema puts <Sets>."""
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "project.qde":
                data = data.replace(b"</Project>", sets_xml.encode() + b"</Project>")
            dst.writestr(item, data)


def test_nvivo_and_atlas_ti_archives_have_no_sets_and_bring_no_themes(shared_dir, tmp_path):
    for name in ("nvivo15-mac_codebook-project.qdpx", "atlasti23_codes-project.qdpx"):
        qdpx = shared_dir / "interop" / name
        if not qdpx.exists():
            pytest.skip(f"{qdpx} is absent")
        with zipfile.ZipFile(qdpx) as zf:
            assert b"<Sets" not in zf.read("project.qde")
        report = ImportReport()
        with Project.from_qdpx(tmp_path / f"{name}.evb", qdpx, report=report) as proj:
            assert proj.themes.list() == [] and proj.themes.categories() == []
        assert not [w for w in report.warnings if "set" in w or "theme" in w]


def test_another_programs_sets_of_codes_become_themes_in_imported_sets(shared_dir, tmp_path):
    qdpx = shared_dir / "interop" / "nvivo15-mac_codebook-project.qdpx"
    if not qdpx.exists():
        pytest.skip(f"{qdpx} is absent")
    abstraction, algorithms = "35626564-6434-3634-6633-363637346261", "62363263-3136-3133-3761-633332383533"
    source = "d097e6fd-7671-4d95-a8b6-7795fa4a72e1"
    _with_sets(
        qdpx,
        tmp_path / "sets.qdpx",
        (
            '<Sets><Set guid="a0000000-0000-0000-0000-000000000001" name="Thinking skills">'
            "<Description>Abstraction and algorithms, as students described them.</Description>"
            f'<MemberCode targetGUID="{abstraction.upper()}"/><MemberCode targetGUID="{{{algorithms}}}"/>'
            f'<MemberSource targetGUID="{source}"/></Set>'
            '<Set guid="a0000000-0000-0000-0000-000000000002" name="Interviews round 1">'
            f'<MemberSource targetGUID="{source}"/></Set>'
            '<Set guid="a0000000-0000-0000-0000-000000000003" name="Thinking skills">'
            f'<MemberCode targetGUID="{abstraction}"/>'
            '<MemberCode targetGUID="a0000000-0000-0000-0000-0000000000ff"/></Set></Sets>'
        ),
    )
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "sets.evb", tmp_path / "sets.qdpx", report=report) as proj:
        assert [c.name for c in proj.themes.categories()] == ["Imported sets"]
        themes = proj.themes.list()
        assert [t.name for t in themes] == ["Thinking skills", "Thinking skills (2)"]
        assert themes[0].description == "Abstraction and algorithms, as students described them."
        assert [(r.code_id, r.valence) for r in proj.themes.rules(themes[0].id)] == [
            ("rq1_definition.concepts.abstraction", None),
            ("rq1_definition.concepts.algorithms", None),
        ]
        assert file_sql(proj.path, "SELECT label FROM undo_log ORDER BY id DESC LIMIT 1") == [
            ("Import themes from sets.qdpx",)
        ]
    said = "\n".join(report.warnings)
    assert "set 'Thinking skills': its 1 document(s) have no place in a theme" in said
    assert "set 'Interviews round 1' holds 1 document(s) and no codes: not a theme" in said
    assert "set 'Thinking skills': 1 member code(s) not in the codebook; left out" in said


def test_damaged_themes_in_the_member_are_skipped_and_reported(study, tmp_path):
    _original, qdpx, *_ = study
    damaged = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "evalbench.json":
                ext = json.loads(data)
                good = ext["themes"]["categories"][0]
                good["themes"][0]["rules"].append({"code": ["not", "a", "code"], "valence": "barrier"})
                good["themes"][0]["codings"].append({"coding": {"x": 1}})
                good["themes"].append({"name": 7})
                ext["themes"]["categories"] += [{"name": ""}, "nonsense", {"name": "Fine", "themes": "no"}]
                data = json.dumps(ext).encode()
            dst.writestr(item, data)
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "d.evb", damaged, report=report) as proj:
        assert proj.themes.list()[0].name == good["themes"][0]["name"]
        assert "Fine" in [c.name for c in proj.themes.categories()]
    assert any("damaged theme entries in evalbench.json skipped" in w for w in report.warnings)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_name = st.text(alphabet="ab ", min_size=1, max_size=4)  # mostly well formed, so the damage further in is reached
_theme = st.fixed_dictionaries(
    {"name": st.one_of(_name, _name, _json)},
    optional={
        "description": _json,
        "cfir": st.one_of(st.sampled_from(["inner.culture", "nope"]), _json),
        "rules": st.lists(
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "code": st.sampled_from(["inner.priority", "x"]),
                        "valence": st.sampled_from([None, "barrier", "sad"]),
                    }
                ),
                _json,
            ),
            max_size=3,
        ),
        "codings": st.lists(
            st.one_of(st.fixed_dictionaries({"coding": st.one_of(st.just("g"), _json), "included": _json}), _json),
            max_size=3,
        ),
        "exemplars": st.lists(st.one_of(st.just("g"), _json), max_size=3),
    },
)
_snapshot = st.fixed_dictionaries(
    {
        "version": st.just(1),
        "categories": st.lists(
            st.one_of(
                st.fixed_dictionaries(
                    {"name": st.one_of(_name, _name, _json)},
                    optional={"themes": st.one_of(st.lists(_theme, min_size=1, max_size=3), _json)},
                ),
                _json,
            ),
            min_size=1,
            max_size=3,
        ),
    }
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=_snapshot)
def test_any_shape_of_theme_data_restores_what_it_can_and_never_fails(project, data):
    """A hand-edited or hostile evalbench.json: whatever its themes hold, restore skips what is damaged."""
    from evalbench.findings.snapshot import restore

    if not project.codings():
        project.add_coding(1, 0, 5, "inner.culture")
    with project.action("Restore") as act:
        done = restore(project.store, act, data, {"g": project.codings()[0].id})
    assert done.malformed >= 0
    for theme in project.themes.list():  # what landed is well formed
        assert theme.name.strip() and theme.category.strip()
