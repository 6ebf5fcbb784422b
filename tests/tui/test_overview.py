"""Project.document_progress: the documents screen's counts, checked against a brute-force count."""

from __future__ import annotations


def brute_force(project, coder):
    out = {}
    for doc in project.documents():
        turns = project.turns(doc.id)
        codings = project.codings(document_id=doc.id, coder=coder)
        part = [t for t in turns if t.role == "participant"]
        coded = [t for t in part if any(c.start < t.end and c.end > t.start for c in codings)]
        out[doc.id] = (len(turns), len(part), len(coded), len(codings))
    return out


def test_progress_counts_participant_turns_touched_by_the_coders_codings(project):
    t1 = project.turns(1)
    project.add_coding(1, t1[0].start, t1[1].start + 3, "inner")  # interviewer turn into a participant turn
    project.add_coding(1, t1[3].start + 5, t1[3].start + 9, "inner", coder="sam")  # another coder's
    project.add_coding(1, t1[1].start, t1[1].end, "inner.priority")  # same turn twice
    assert project.document_progress("alex") == brute_force(project, "alex") == {1: (4, 2, 1, 2), 2: (2, 1, 0, 0)}
    assert project.document_progress("sam") == brute_force(project, "sam")
