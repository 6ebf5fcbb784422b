"""The fast ranking path reads the same words, offsets and ids as the plain spaCy API would.

Ranking reads token attributes as arrays and character offsets from token
offsets, stores new suggestions with one executemany and pauses the cyclic
garbage collector; these tests compare each shortcut with the slow way on the
demo's interviews. (benchmarks/suggest_same.py compares whole projects
before and after a change.)
"""

from __future__ import annotations

import gc
import json
import threading

from evalbench.project import Project
from evalbench.suggest import data
from evalbench.suggest.engine import paused_gc
from evalbench.suggest.nlp import doc_words, load_pipeline
from evalbench.suggest.rules import RuleMatcher


def demo_docs(project: Project):
    pipeline = load_pipeline()
    texts = [t.text for t in data.participant_turns(project.conn)]
    return pipeline, list(pipeline.docs(texts))


def test_doc_words_are_the_tokens_that_hold_a_letter(demo_file):
    with Project.open(demo_file, coder="alex") as project:
        _, docs = demo_docs(project)
    assert len(docs) > 200
    for doc in docs:
        slow = [(t.text, t.norm_, t.is_stop, t.idx) for t in doc if any(ch.isalpha() for ch in t.norm_)]
        assert doc_words(doc) == slow


def test_rule_evidence_offsets_are_the_spans_spacy_reports(demo_file):
    with Project.open(demo_file, coder="alex") as project:
        pipeline, docs = demo_docs(project)
        matcher = RuleMatcher(project.codes(), pipeline)
    checked = 0
    for doc in docs:
        want: dict[str, set[tuple[int, int]]] = {}
        for key, start, end in matcher.matcher(doc):
            span = doc[start:end]
            want.setdefault(matcher._code_of[key], set()).add((span.start_char, span.end_char))
        hits = matcher.match_doc(doc)
        assert set(hits) == set(want)
        for code_id, hit in hits.items():
            assert set(hit.spans) <= want[code_id]  # one span per distinct phrase
            assert hit.evidence == tuple(dict.fromkeys(doc.text[s:e] for s, e in hit.spans))
            checked += 1
    assert checked > 100


def assert_returned_rows_are_stored(project: Project, found) -> None:
    assert found and len({s.id for s in found}) == len(found)
    stored = {r[0]: r[1:] for r in project.conn.execute(
        "SELECT id, turn_id, code_id, score, valence, evidence, source FROM suggestions WHERE status = 'open'")}
    assert set(stored) == {s.id for s in found}
    for s in found:
        turn_id, code_id, score, valence, evidence, source = stored[s.id]
        assert (turn_id, code_id, score, valence, json.loads(evidence), source) == \
               (s.turn_id, s.code_id, s.score, s.valence, list(s.evidence), s.source)


def test_returned_ids_are_the_stored_rows_when_inserting_and_updating(demo):
    with Project.open(demo, coder="alex") as project:
        first = project.suggestions()
        assert_returned_rows_are_stored(project, first)
        with project.transaction():  # a mix next time: a third of the rows inserted again, the rest updated
            project.conn.execute("DELETE FROM suggestions WHERE id % 3 = 0")
        again = project.suggestions()
        assert_returned_rows_are_stored(project, again)
        assert [(s.turn_id, s.code_id, s.score, s.evidence) for s in first] == \
               [(s.turn_id, s.code_id, s.score, s.evidence) for s in again]
        assert [s.id for s in first if s.id % 3] == [s.id for s in again if s.id <= first[-1].id]
        top = max(s.id for s in first)
        inserted = [s.id for s in again if s.id > top]
        assert len(inserted) == sum(1 for s in first if s.id % 3 == 0) and inserted == sorted(inserted)


def test_paused_gc_nests_across_threads_and_restores_the_collector():
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def worker():
        with paused_gc():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    with paused_gc():
        thread.start()
        entered.wait(5)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still ranking
    release.set()
    thread.join(5)
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()


def test_paused_gc_resumes_after_an_error():
    try:
        with paused_gc():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_model_scores_from_key_hashes_equal_scores_from_docs(demo):
    from evalbench.suggest import service
    from evalbench.suggest.engine import turn_keys
    from evalbench.suggest.nlp import doc_columns

    with Project.open(demo, coder="alex") as project:
        project.train_suggester()
        model = service.engine(project).model
        _, docs = demo_docs(project)
    docs.append(load_pipeline().doc("?!"))  # no words: the model reads a placeholder
    keys = [turn_keys(doc_words(d)) for d in docs]
    hashes = [[norm for norm, stop, *_ in zip(*doc_columns(d)) if not stop and norm in {
        d.vocab.strings[k] for k in ks}] for d, ks in zip(docs, keys)]
    assert hashes[-1] == [] and any(hashes)
    assert (model.predict(keys) == model.predict_hashes(hashes)).all()
