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
        assert isinstance(app.screen, ImportReportScreen)
        report = str(app.screen.query_one("#import-report-lines", Static).render())
        assert "p03.txt: Interviewer (interviewer, 1), P03 (participant, 1); 2 turns" in report
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
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


async def test_the_report_shows_each_file_and_its_warnings_as_the_command_line_does(app, project, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "long.txt").write_text("Notes " + "we spoke about the huddles at length " * 60, encoding="utf-8")
    (folder / "p05.txt").write_text("Interviewer: Why?\nR: Because of the huddles.\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("import_files")
        await pilot.pause()
        await pilot.press(*str(folder), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportReportScreen)
        assert "1 WARNING" in str(screen.query_one("#import-report-title").render())
        shown = str(screen.query_one("#import-report-lines", Static).render())
        assert [line.text for line in screen.lines] == shown.replace("\n\n", "\n").split("\n")
        assert "WARNING long.txt: one turn holds all" in shown
        assert "p05.txt: Interviewer (interviewer, 1), R (participant, 1); 2 turns, 5 words" in shown
        assert shown.rstrip().endswith("4 document(s) in the project.")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ImportReportScreen)
