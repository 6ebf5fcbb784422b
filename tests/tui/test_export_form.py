"""The export form offers what `evalbench export` offers most: layout, which coding, paper, figures."""

from __future__ import annotations

import docx
import pytest
from textual.widgets import Label

from evalbench.errors import UserError
from evalbench.tui.screens.export_prompt import ExportPrompt, ExportRequest, plan_export
from tests.test_export_registry import fake_format  # noqa: F401  (fixture)

from .conftest import SIZE


def test_the_form_plans_only_options_the_format_uses(fake_format):  # noqa: F811
    plan = plan_export(ExportRequest("out.xlsx", layout="", coding="all", paper="a4", figures="no"))
    assert (plan.fmt, plan.coder, plan.all_coders, plan.options) == ("xlsx", None, True, {})
    plan = plan_export(
        ExportRequest("t.docx", layout="themes", coding="sam", paper="A4", figures="n"), {"by": "site", "coder": "alex"}
    )
    assert (plan.coder, plan.options) == ("sam", {"by": "site", "layout": "themes", "paper": "a4", "figures": False})
    assert plan_export(ExportRequest("t.md"), {"coder": "alex"}).coder == "alex"  # the analysis view's coder
    with pytest.raises(UserError, match="give a file ending in"):
        plan_export(ExportRequest("report.pdf"))
    with pytest.raises(UserError, match="paper must be one of"):
        plan_export(ExportRequest("t.docx", paper="a5"))
    tally = plan_export(ExportRequest("codes.tally", paper="a4", figures="no"), {"quotes": 1, "by": "site"})
    assert (tally.fmt, tally.options) == ("tally", {"quotes": 1})  # a registered format takes only its options


async def test_export_form_writes_the_report_it_describes(fake_format, app, project, tmp_path):  # noqa: F811
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier")
    project.add_coding(1, turns[3].start, turns[3].end, "inner.culture", valence="facilitator", coder="sam")
    out = tmp_path / "report.docx"
    async with app.run_test(size=SIZE) as pilot:
        export = next(c for c in app.get_system_commands(app.screen) if c.title == "Export…")
        assert export.help.endswith(".docx .xlsx .csv .md .qdpx .tally")  # the palette reads the registry too
        await app.run_action("export")
        await pilot.pause()
        assert isinstance(app.screen, ExportPrompt)
        path_label = app.screen.query(".field-label").first(Label)  # the formats registered now, a test's too
        assert str(path_label.render()) == "File (.docx .xlsx .csv .md .qdpx .tally)"
        await pilot.press("ctrl+a", "ctrl+k", *str(out), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportPrompt) and not out.exists()  # two coders: choose one
        await pilot.press("tab", "tab", *"alex", "tab", *"a4", "tab", *"no", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    report = docx.Document(str(out))
    assert abs(report.sections[1].page_width.mm - 297) < 1  # A4 landscape
    assert len(report.inline_shapes) == 0  # figures: no
    methods = next(p.text for p in report.paragraphs if p.text.startswith("The analysis covers"))
    assert "The tables count alex's coding" in methods
