"""The fast ranking path reads the same words, offsets and ids as the plain spaCy API would.

Ranking reads token attributes as arrays and character offsets from token
offsets, builds TF-IDF rows with numpy, stores new suggestions with one
executemany and pauses the cyclic garbage collector; these tests compare each
shortcut with the slow way on the demo's interviews. (benchmarks/suggest_same.py
compares whole projects before and after a change.)
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


def test_ranker_words_are_the_non_stop_words_spacy_reports_with_their_offsets_and_sentences(demo):
    from evalbench.suggest.features import SENTENCE_END, read_texts

    with Project.open(demo, coder="alex") as project:
        pipeline, docs = demo_docs(project)
        texts = [t.text for t in data.participant_turns(project.conn)]
    words = read_texts(pipeline, texts)
    for doc, w in zip(docs, words):
        kept = [t for t in doc if any(ch.isalpha() for ch in t.norm_) and not t.is_stop]
        assert w.keys == [t.norm_ for t in kept]
        assert [(s, n) for s, n in zip(w.starts, w.lengths)] == [(t.idx, len(t.text)) for t in kept]
        # a sentence starts after each sentence-ending token that follows a kept word
        starts, n = [0], 0
        for t in doc:
            if t in kept:
                n += 1
            elif t.norm_ in SENTENCE_END and starts[-1] != n:
                starts.append(n)
        if len(starts) > 1 and starts[-1] == n:
            starts.pop()
        assert w.sentences == starts


def test_tfidf_rows_equal_the_formula_computed_word_by_word(demo):
    import math
    from collections import Counter

    from evalbench.suggest.features import Vocabulary, read_texts

    with Project.open(demo, coder="alex") as project:
        pipeline, _ = demo_docs(project)
        texts = [t.text for t in data.participant_turns(project.conn)][:60]
    keys = [w.keys for w in read_texts(pipeline, texts)]
    vocab = Vocabulary.fit(keys[:40])
    rows = vocab.rows(keys).toarray()
    for i, ks in enumerate(keys):
        counts = Counter(k for k in ks if k in vocab.index)
        want = {vocab.index[k]: (1 + math.log(c)) * float(vocab.idf[vocab.index[k]]) for k, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in want.values())) or 1.0
        for j, v in want.items():
            assert abs(rows[i, j] - v / norm) < 1e-5
        assert abs(rows[i].sum() - rows[i, -1] - sum(want.values()) / norm) < 1e-4
        assert rows[i, -1] == 1.0  # the intercept column


def test_stored_words_come_back_exactly_and_spare_a_new_process_the_reading(demo, monkeypatch):
    from evalbench.suggest import features, service
    from evalbench.suggest.features import pack, read_texts, unpack

    with Project.open(demo, coder="alex") as project:
        pipeline, _ = demo_docs(project)
        texts = [t.text for t in data.participant_turns(project.conn)]
        matcher = service.words_reader(project, pipeline, project.codes()).matcher
        for w in read_texts(pipeline, texts, matcher):
            back = unpack(pack(w))
            assert (back.keys, list(back.starts), list(back.lengths), back.sentences, back.matches) == \
                   (w.keys, list(w.starts), list(w.lengths), w.sentences, [tuple(m) for m in w.matches])
        first = [(s.turn_id, s.code_id, s.score, s.evidence) for s in project.suggestions()]
        stored = project.conn.execute("SELECT count(*) FROM turn_words").fetchone()[0]
        assert stored == len(texts)

    def no_reading(pipeline, texts, matcher=None):  # only the codebook's seed texts may be read now
        assert len(texts) < 200, f"read {len(texts)} texts again"
        return real(pipeline, texts, matcher)

    real = features.read_texts
    monkeypatch.setattr(service, "read_texts", no_reading)
    with Project.open(demo, coder="alex") as project:
        again = [(s.turn_id, s.code_id, s.score, s.evidence) for s in project.suggestions()]
    assert again == first
