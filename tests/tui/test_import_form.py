"""Import from the palette with a participants CSV and an encoding, as `evalbench import` takes them."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from evalbench.tui.screens.import_report import ImportReportScreen
from evalbench.tui.screens.prompt import ImportPrompt

from .conftest import SIZE, stored


def write_interview(folder, name: str, encoding: str) -> None:
    text = "Interviewer: How did it go?\n\nP03: The señora at the front desk had no time for the huddles.\n"
    (folder / name).write_bytes(text.encode(encoding))


async def test_import_form_takes_a_participants_csv_and_an_encoding(app, project, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    write_interview(folder, "p03.txt", "cp437")  # ñ is byte 0xA4 in cp437 but ¤ in the cp1252 guess
    (folder / "long.txt").write_text("Notes " + "we spoke about the huddles at length " * 60, encoding="cp437")
    csv = tmp_path / "participants.csv"
    csv.write_text("participant,document,role,site\nP03,p03.txt,nurse,West\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("import_files")
        await pilot.pause()
        assert isinstance(app.screen, ImportPrompt)
        await pilot.press(*str(folder), "tab", *str(csv), "tab", *"cp437", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The report: the same lines as `evalbench import`, WARNINGs counted in the title.
        screen = app.screen
        assert isinstance(screen, ImportReportScreen)
        # long.txt is one long turn; it, p01.txt and p02.txt have no row in the participants CSV.
        assert "4 WARNINGS" in str(screen.query_one("#import-report-title").render())
        report = str(screen.query_one("#import-report-lines", Static).render())
        assert [line.text for line in screen.lines] == report.replace("\n\n", "\n").split("\n")
        assert "p03.txt: Interviewer (interviewer, 1), P03 (participant, 1); 2 turns" in report
        assert "WARNING long.txt: one turn holds all" in report
        assert "WARNING p01.txt: no row in participants.csv" in report
        assert report.rstrip().endswith("4 document(s) in the project.")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportReportScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 4
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["p03.txt", "P03", "nurse", "West"] in [r[:4] for r in rows]
    with stored(project) as fresh:
        doc = fresh.document("p03.txt")
        assert doc.participant == "P03" and doc.attributes == {"role": "nurse", "site": "West"}
        assert "señora" in doc.text


async def test_a_participants_csv_alone_links_documents_already_imported(app, project, tmp_path):
    csv = tmp_path / "participants.csv"
    csv.write_text("participant,document,site\nP02,p02,South\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("import_files")
        await pilot.pause()
        await pilot.press("tab", *str(csv), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportReportScreen)
    with stored(project) as fresh:
        doc = fresh.document("p02.txt")
        assert doc.participant == "P02" and doc.attributes["site"] == "South"


async def test_import_form_stays_open_on_an_unknown_encoding_or_a_missing_csv(app, project, tmp_path):
    write_interview(tmp_path, "p03.txt", "utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("import_files")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "p03.txt"), "tab", *str(tmp_path / "nope.csv"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPrompt)  # nothing retyped: fix the field and press enter
        assert any("nope.csv: no such file" in n.message for n in app._notifications)
        await pilot.press("ctrl+a", "ctrl+k", "tab", *"klingon-8", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPrompt)
        assert any("unknown encoding 'klingon-8'" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportPrompt)
        assert app.screen.query_one(DataTable).row_count == 2
    with stored(project) as fresh:
        assert len(fresh.documents()) == 2
