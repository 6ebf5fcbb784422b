"""Team work on one project: agreement, consensus decisions, and merging coders' projects.

:mod:`evalbench.team.service` is ``project.team``; :mod:`evalbench.team.consensus`
writes decisions, :mod:`evalbench.team.merge` brings other project files in, and
:mod:`evalbench.team.report_files` writes the agreement report.
"""
