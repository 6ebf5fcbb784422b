"""REFI-QDA project exchange (.qdpx): export a project, import one into a new project.

- :mod:`evalbench.refi.service` is ``project.refi``: ``export`` over the open
  project's Store, ``create`` (a new project file from an archive).
- :mod:`evalbench.refi.archive` reads zip archives without trusting them.
- :mod:`evalbench.refi.qdpx_export` writes a project as a .qdpx, streaming.
- :mod:`evalbench.refi.qdpx_read` parses a .qdpx into plain data (no store),
  reading project.qde one source at a time (:mod:`evalbench.refi.qde_parse`).
- :mod:`evalbench.refi.qdpx_import` builds a new project file from that data.

The codebook part (<CodeBook>) is shared with :mod:`evalbench.codebook.refi`.
See docs/refi-qda.md for what maps to what.
"""
