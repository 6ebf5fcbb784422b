"""Properties of codebook diff and three-way merge over random small codebooks and edits."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from evalbench.codebook import make_codebook
from evalbench.codebook.diff import diff_codebooks
from evalbench.codebook.merge import merge_codebooks
from evalbench.model import Code

WORDS = st.sampled_from(["time", "staff", "money", "leaders", "culture", "huddle", "bandwidth"])


@st.composite
def codebooks(draw):
    n = draw(st.integers(1, 8))
    codes = []
    for i in range(n):
        parent = draw(st.none() | st.sampled_from([c.id for c in codes])) if codes else None
        codes.append(
            Code(
                id=f"c{i}",
                name=f"Code {i}",
                parent_id=parent,
                definition=draw(st.sampled_from(["", "A definition.", "Another."])),
                keywords=tuple(draw(st.lists(WORDS, unique=True, max_size=3))),
            )
        )
    return make_codebook(codes)


def _descendants(book, cid):
    out, todo = set(), [cid]
    while todo:
        cur = todo.pop()
        for c in book.codes:
            if c.parent_id == cur:
                out.add(c.id)
                todo.append(c.id)
    return out


@st.composite
def edited(draw, book, side: str):
    """A copy of ``book`` with random renames, redefinitions, keyword changes, moves, adds, deletes."""
    codes = {c.id: c for c in book.codes}
    for cid in list(codes):
        action = draw(st.sampled_from(["keep", "keep", "rename", "define", "keywords", "move", "delete"]))
        code = codes[cid]
        if action == "rename":
            codes[cid] = replace(code, name=draw(st.sampled_from([f"{side} name", "Shared name"])))
        elif action == "define":
            codes[cid] = replace(code, definition=draw(st.sampled_from([f"{side} def", "Shared def"])))
        elif action == "keywords":
            codes[cid] = replace(code, keywords=tuple(draw(st.lists(WORDS, unique=True, max_size=4))))
        elif action == "move":
            cur = make_codebook(list(codes.values()))
            options = [None] + [c for c in codes if c != cid and c not in _descendants(cur, cid)]
            codes[cid] = replace(code, parent_id=draw(st.sampled_from(options)))
        elif action == "delete" and not any(c.parent_id == cid for c in codes.values()):
            del codes[cid]
    for k in range(draw(st.integers(0, 2))):
        parent = draw(st.none() | st.sampled_from(sorted(codes))) if codes else None
        codes[f"{side}{k}"] = Code(id=f"{side}{k}", name=f"New {side} {k}", parent_id=parent)
    return make_codebook(list(codes.values()))


def shape(book) -> dict:
    """Codes by ID, ignoring sibling order."""
    return {c.id: replace(c, position=0) for c in book.codes}


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_one_sided_changes_merge_cleanly_to_that_side(data):
    base = data.draw(codebooks())
    ours = data.draw(edited(base, "ours"))
    for result in (
        merge_codebooks(base, ours, base),
        merge_codebooks(base, base, ours),
        merge_codebooks(base, ours, ours),
    ):
        assert result.conflicts == []
        assert shape(result.codebook) == shape(ours)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_two_sided_merge_is_valid_and_drops_nothing_silently(data):
    base = data.draw(codebooks())
    ours, theirs = data.draw(edited(base, "ours")), data.draw(edited(base, "theirs"))
    result = merge_codebooks(base, ours, theirs)
    merged = shape(result.codebook)
    result.codebook.validate()  # no unknown parents, no cycles
    conflicted = {c.id for c in result.conflicts}
    b, o, t = shape(base), shape(ours), shape(theirs)
    for cid in set(o) | set(t):
        deleted_cleanly = cid in b and (cid not in o and t.get(cid) == b[cid] or cid not in t and o.get(cid) == b[cid])
        assert cid in merged or deleted_cleanly, cid
    for cid, code in merged.items():
        if cid in o and cid in t and cid not in conflicted:
            for field in ("name", "definition", "parent_id"):
                mine, yours = getattr(o[cid], field), getattr(t[cid], field)
                assert getattr(code, field) in (mine, yours)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_diff_is_empty_exactly_when_codebooks_match(data):
    base = data.draw(codebooks())
    other = data.draw(edited(base, "ours"))
    assert (not diff_codebooks(base, other)) == (shape(base) == shape(other))
    changes = diff_codebooks(base, other)
    assert {c.id for c in changes.added} == set(shape(other)) - set(shape(base))
    assert {c.id for c in changes.removed} == set(shape(base)) - set(shape(other))
