"""Codebook appendix for manuscripts: Word and Markdown, read back."""

from __future__ import annotations

from evalbench.codebook import make_codebook, template
from evalbench.codebook.appendix import codebook_markdown, write_codebook_docx
from evalbench.model import Code


def test_docx_has_one_row_per_code_with_domains_as_section_rows(tmp_path):
    import docx

    book = template("cfir2")
    out = tmp_path / "appendix.docx"
    write_codebook_docx(book, out)
    table = docx.Document(str(out)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Code", "Definition", "Include when", "Exclude when", "Example"]
    rows = table.rows[1:]
    assert len(rows) == 72
    first = rows[0].cells
    assert first[0].text.startswith("Innovation — ") and first[0]._tc is first[4]._tc  # merged section row
    learning = next(r.cells for r in rows if r.cells[0].text.startswith("Learning-Centeredness"))
    code = book.get("cfir2.inner.culture.learning")
    assert learning[0].text == "Learning-Centeredness\ncfir2.inner.culture.learning"
    assert [c.text for c in learning[1:]] == [code.definition, code.inclusion, code.exclusion, code.examples[0]]
    assert learning[0].paragraphs[0].paragraph_format.left_indent > 0  # subconstruct indented


def test_markdown_sections_rows_and_escaping():
    text = codebook_markdown(template("cfir2"))
    assert text.count("\n## ") == 5
    assert "| **Relative Priority**<br>`cfir2.inner.relative_priority` |" in text
    assert "&nbsp;&nbsp;&nbsp;&nbsp;↳ **Learning-Centeredness**" in text
    assert "Damschroder" in text
    book = make_codebook([Code(id="a", name="A|B", definition="line one\nline two")])
    flat = codebook_markdown(book)
    assert "| **A\\|B**<br>`a` | line one<br>line two |" in flat  # flat codebook: one table, no sections
    assert "## " not in flat
