"""The fast ranking path reads the same words, offsets and ids as the plain spaCy API would.

Ranking reads token attributes as arrays and character offsets from token
offsets, builds TF-IDF rows with numpy, stores new suggestions with one
executemany; these tests compare each shortcut with the slow way on the demo's
interviews. Ranking leaves the garbage collector alone: that is the policy of
whoever owns the process. (benchmarks/suggest_same.py
compares whole projects before and after a change.)
"""

from __future__ import annotations

import gc
import json
import sqlite3
from contextlib import closing

from evalbench.project import Project
from evalbench.suggest.nlp import load_pipeline
from evalbench.suggest.rules import RuleMatcher


def turn_texts(project: Project) -> list[str]:
    return [t.text for t in project.store.turns.participant_texts()]


def demo_docs(project: Project):
    pipeline = load_pipeline()
    return pipeline, list(pipeline.docs(turn_texts(project)))


def test_doc_words_are_the_tokens_that_hold_a_letter(demo_file):
    with Project.open(demo_file, coder="alex") as project:
        pipeline, docs = demo_docs(project)
    assert len(docs) > 200
    for doc in docs:
        slow = [(t.text, t.norm_, t.is_stop, t.idx) for t in doc if any(ch.isalpha() for ch in t.norm_)]
        assert pipeline.doc_words(doc) == slow


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
    with closing(sqlite3.connect(project.path)) as conn:
        stored = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT id, turn_id, code_id, score, valence, evidence, source FROM suggestions WHERE status = 'open'"
            )
        }
    assert set(stored) == {s.id for s in found}
    for s in found:
        turn_id, code_id, score, valence, evidence, source = stored[s.id]
        assert (turn_id, code_id, score, valence, json.loads(evidence), source) == (
            s.turn_id,
            s.code_id,
            s.score,
            s.valence,
            list(s.evidence),
            s.source,
        )


def test_returned_ids_are_the_stored_rows_when_inserting_and_updating(demo):
    with Project.open(demo, coder="alex") as project:
        first = project.suggestions()
        assert_returned_rows_are_stored(project, first)
        with closing(sqlite3.connect(project.path)) as other, other:  # next time a third inserted, the rest updated
            other.execute("DELETE FROM suggestions WHERE id % 3 = 0")
        again = project.suggestions()
        assert_returned_rows_are_stored(project, again)
        assert [(s.turn_id, s.code_id, s.score, s.evidence) for s in first] == [
            (s.turn_id, s.code_id, s.score, s.evidence) for s in again
        ]
        assert [s.id for s in first if s.id % 3] == [s.id for s in again if s.id <= first[-1].id]
        top = max(s.id for s in first)
        inserted = [s.id for s in again if s.id > top]
        assert len(inserted) == sum(1 for s in first if s.id % 3 == 0) and inserted == sorted(inserted)


def test_ranking_never_switches_the_garbage_collector(demo, monkeypatch):
    def switched(*args):
        raise AssertionError("the core switched the garbage collector")

    monkeypatch.setattr(gc, "disable", switched)
    monkeypatch.setattr(gc, "enable", switched)
    monkeypatch.setattr(gc, "freeze", switched)
    with Project.open(demo, coder="alex") as project:
        found = project.suggestions()
        project.similar(project.codings()[0].id)
    assert found and gc.isenabled()


def test_ranker_words_are_the_non_stop_words_spacy_reports_with_their_offsets_and_sentences(demo):
    from evalbench.suggest.features import SENTENCE_END, read_texts

    with Project.open(demo, coder="alex") as project:
        pipeline, docs = demo_docs(project)
        texts = turn_texts(project)
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
        texts = turn_texts(project)[:60]
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
    from evalbench.suggest import features, wordcache
    from evalbench.suggest.features import pack, read_texts, unpack

    with Project.open(demo, coder="alex") as project:
        pipeline, _ = demo_docs(project)
        texts = turn_texts(project)
        matcher = project.suggest.words_reader(pipeline, project.codes()).matcher
        for w in read_texts(pipeline, texts, matcher):
            back = unpack(pack(w))
            assert (back.keys, list(back.starts), list(back.lengths), back.sentences, back.matches) == (
                w.keys,
                list(w.starts),
                list(w.lengths),
                w.sentences,
                [tuple(m) for m in w.matches],
            )
        first = [(s.turn_id, s.code_id, s.score, s.evidence) for s in project.suggestions()]
        stored = project.store.turn_words.count()
        assert stored == len(texts)

    def no_reading(pipeline, texts, matcher=None):  # only the codebook's seed texts may be read now
        assert len(texts) < 200, f"read {len(texts)} texts again"
        return real(pipeline, texts, matcher)

    real = features.read_texts
    monkeypatch.setattr(wordcache, "read_texts", no_reading)
    with Project.open(demo, coder="alex") as project:
        again = [(s.turn_id, s.code_id, s.score, s.evidence) for s in project.suggestions()]
    assert again == first
