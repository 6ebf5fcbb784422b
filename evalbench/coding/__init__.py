"""Coding: applying codes to spans of transcripts, editing and removing codings, and memos.

:class:`evalbench.coding.service.CodingService` is what ``project.coding`` is:
every change one undoable action labelled in the user's words.
"""
