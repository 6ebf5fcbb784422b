"""Property test: turn and character agreement equal a brute-force count over random codings."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.analysis.reliability import cohen_kappa, krippendorff_alpha
from tests.conftest import file_sql

span = st.tuples(
    st.integers(0, 400),
    st.integers(1, 60),
    st.sampled_from(["alex", "sam"]),
    st.sampled_from(["inner.priority", "inner.culture"]),
)


def same(got, expected):
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return got is None
    return got == pytest.approx(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(span, min_size=1, max_size=12), st.booleans())
def test_agreement_equals_brute_force(project, spans, interviewer):
    file_sql(project.path, "DELETE FROM codings")
    doc = project.document("p01.txt")
    limit = len(doc.text)
    rows = [
        {"document_id": doc.id, "start": min(s, limit - 1), "end": min(s + n, limit), "code_id": code, "coder": coder}
        for s, n, coder, code in spans
    ]
    project.add_codings(rows, label="random")
    coded = {coder for _, _, coder, _ in spans}
    if coded != {"alex", "sam"}:
        return  # p01 is not coded by both: nothing compared (tested elsewhere)
    turns = [t for t in project.turns(doc.id) if interviewer or t.role == "participant"]
    by_char = project.agreement(["alex", "sam"], unit="char", include_interviewer=interviewer)
    by_turn = project.agreement(["alex", "sam"], include_interviewer=interviewer)
    for code in ("inner.priority", "inner.culture"):
        mine = {
            c: [(r["start"], r["end"]) for r in rows if r["coder"] == c and r["code_id"] == code]
            for c in ("alex", "sam")
        }
        chars = [i for t in turns for i in range(t.start, t.end)]
        vc = {c: [int(any(s <= i < e for s, e in mine[c])) for i in chars] for c in mine}
        vt = {c: [int(any(s < t.end and e > t.start for s, e in mine[c])) for t in turns] for c in mine}
        for report, v in ((by_char, vc), (by_turn, vt)):
            row = report.code(code)
            if not any(v["alex"]) and not any(v["sam"]):
                assert row.n_units == 0 and row.kappa is None
                continue
            assert row.n_applied == {c: sum(x) for c, x in v.items()}
            assert same(row.kappa, cohen_kappa(v["alex"], v["sam"]))
            assert same(row.alpha, krippendorff_alpha(list(zip(v["alex"], v["sam"]))))
            n_dis = sum(a != b for a, b in zip(v["alex"], v["sam"]))
            assert row.n_disagreements == n_dis
        listed = project.disagreements(["alex", "sam"], code=code, unit="char", include_interviewer=interviewer)
        assert sum(d.end - d.start for d in listed) == by_char.code(code).n_disagreements
