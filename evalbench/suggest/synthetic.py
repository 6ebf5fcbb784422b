"""Synthetic coded projects for testing and benchmarking the suggester (clearly not real data).

Each code owns a small vocabulary of made-up words; a turn about a code uses
some of them among shared filler words, and is coded with that code. Only
two of a code's words are its codebook keywords, and turns use keywords only
sometimes, so rules alone find part of the signal and a model that learns
from the coding should do better. A share of turns carry a wrong code (label
noise). Everything is driven by one ``seed``.
"""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from evalbench.model import Code

if TYPE_CHECKING:
    from evalbench.ingest.document import ParsedDocument
    from evalbench.store.documents import Roles

_ONSETS = "b d f g k l m n p r t v z".split()
_VOWELS = "a i o u".split()
_CODAS = "k m n p r t v".split()


class Target(Protocol):
    """What a synthetic study is written into: an empty project (``evalbench.project.Project`` is one)."""

    def add_codes(self, codes: list[Code], *, label: str = ...) -> int: ...

    def add_document(self, parsed: ParsedDocument, roles: Roles | None = None, *, words: int | None = None) -> int: ...

    def add_codings(self, rows: list[dict[str, Any]], *, label: str) -> list[int]: ...


T = TypeVar("T", bound=Target)


def pseudo_words(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct made-up words (CVCVC) that the normaliser leaves whole."""
    out: list[str] = []
    while len(out) < n:
        w = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        if w not in taken:
            taken.add(w)
            out.append(w)
    return out


def synthetic_codes(n_codes: int, rng: random.Random, vocab_size: int = 12) -> tuple[list[Code], dict[str, list[str]]]:
    """A flat codebook and each code's vocabulary (first two words are its keywords)."""
    taken: set[str] = set()
    codes: list[Code] = []
    vocab: dict[str, list[str]] = {}
    for i in range(n_codes):
        words = pseudo_words(rng, vocab_size, taken)
        code_id = f"syn.c{i:02d}"
        vocab[code_id] = words
        codes.append(
            Code(
                id=code_id,
                name=f"Synthetic code {i}",
                definition=f"Talk about {words[0]}.",
                keywords=tuple(words[:2]),
                position=i,
            )
        )
    vocab["_filler"] = pseudo_words(rng, 400, taken)
    return codes, vocab


def synthetic_turn(
    rng: random.Random, vocab: dict[str, list[str]], codes: list[str], *, keyword_rate: float = 0.3, words: int = 40
) -> str:
    """A turn mentioning each of ``codes`` through its vocabulary, in filler words."""
    out = [rng.choice(vocab["_filler"]) for _ in range(words)]
    for code in codes:
        own = vocab[code]
        picks = [rng.choice(own[2:]) for _ in range(4)]
        if rng.random() < keyword_rate:
            picks.append(rng.choice(own[:2]))
        for w in picks:
            out.insert(rng.randrange(len(out) + 1), w)
    if rng.random() < 0.5:
        out.insert(0, rng.choice(["It helped that", "We had no", "There was a lack of", "Honestly"]))
    return " ".join(out).capitalize() + "."


def build_project(
    project: T,
    *,
    n_codes: int = 12,
    n_docs: int = 20,
    turns_per_doc: int = 20,
    coded_share: float = 0.8,
    noise: float = 0.1,
    seed: int = 0,
    coder: str = "alex",
    words: int = 40,
) -> T:
    """Write synthetic interviews with one coder's codings into an empty ``project``; returns it."""
    from evalbench.ingest.document import transcript

    rng = random.Random(seed)
    codes, vocab = synthetic_codes(n_codes, rng)
    ids = [c.id for c in codes]
    project.add_codes(codes)
    roles: Roles = {"Interviewer": ("interviewer", "label"), "Participant": ("participant", "label")}
    rows = []
    for d in range(n_docs):
        pairs: list[tuple[str | None, str]] = []
        labels: list[list[str]] = []
        for t in range(turns_per_doc):
            speaker = "Interviewer" if t % 2 == 0 else "Participant"
            true: list[str] = []
            if speaker == "Interviewer":
                content = "Can you tell me more about that?"
            else:
                true = rng.sample(ids, 2 if rng.random() < 0.3 else 1)
                content = synthetic_turn(rng, vocab, true, words=words)
            pairs.append((speaker, content))
            labels.append(true)
        name = f"synthetic_{d:03d}.txt"
        text_key = "\n\n".join(f"{who}: {content}" for who, content in pairs)
        doc = transcript(name, pairs, sha256=hashlib.sha256(f"{seed}:{name}:{text_key}".encode()).hexdigest())
        turns = doc.turns
        doc_id = project.add_document(doc, roles)
        for turn, true in zip(turns, labels):
            if not true or rng.random() > coded_share:
                continue
            given = [rng.choice(ids) if rng.random() < noise else c for c in true]
            for code in dict.fromkeys(given):
                rows.append(
                    {
                        "document_id": doc_id,
                        "start": turn.start,
                        "end": turn.end,
                        "code_id": code,
                        "coder": coder,
                        "valence": "none",
                    }
                )
    if rows:
        project.add_codings(rows, label="Synthetic codings")
    return project
