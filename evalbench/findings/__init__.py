"""Findings: themes in the project, their evidence, the findings table and the thematic matrix.

API in brief (``project.themes`` is a :class:`~evalbench.findings.service.ThemeService`)::

    choice = project.themes.choose(coder=None, all_coders=False)   # CodingChoice, or UserError naming the choices
    rows = project.themes.table(choice, by="role", quotes=3, min_participants=0)   # list[FindingRow], table order
    row.category, row.theme, row.description, row.cfir (label or None), row.participants,
    row.by_group {value: n}, row.documents, row.codings, row.unlinked_documents,
    row.quotes -> FindingQuote(participant | None, text, coding_id, document, role, valence, picked, ...)
    frame = project.themes.matrix(choice, by="site")   # DataFrame by theme id: category, theme, a column per site
    quotes = project.themes.cell_quotes(choice, theme_id, by="site", value="Riverside Medical Center")
    choice.description   # "the consensus coding of alex and sam", "alex's coding",
                         # "every coder's coding (alex, sam), not reconciled"

Changes (each one undoable action): ``add_category/rename_category/move_category/
remove_category/apply_preset``, ``add/rename/describe/map_cfir/move/remove/merge/split``,
``link/unlink`` (rules), ``include/exclude/follow_rules`` (codings by hand),
``pick/unpick/order_exemplars``, ``import_csv/export_csv``. Plain-data
``snapshot(store)``/``restore(store, act, ...)`` in :mod:`evalbench.findings.snapshot` are for
exchange formats (REFI-QDA).

Definitions a report relies on — which coding counts and when a consensus is
complete: :mod:`~evalbench.findings.choice`; what a rule matches and how
passages of several coders count once: :mod:`~evalbench.findings.evidence`;
counts and quotes: :mod:`~evalbench.findings.table`.

The package imports nothing itself, so import from the modules: ``from evalbench.findings.model import FindingRow``.
"""
