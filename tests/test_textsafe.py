"""Incoming text loses its surrogates in one place before anything stores it."""

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from evalbench.textsafe import clean_text, has_surrogates


def test_a_surrogate_pair_becomes_the_character_and_a_lone_one_is_replaced_and_counted():
    assert clean_text("smile \ud83d\ude00!") == ("smile 😀!", 0)
    assert clean_text("bad \ud800 end") == ("bad \ufffd end", 1)
    assert clean_text("already \ufffd here \udfff") == ("already \ufffd here \ufffd", 1)
    assert clean_text("plain") == ("plain", 0)


@given(st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))).map("".join))
def test_cleaned_text_always_stores_in_sqlite(text):
    cleaned, _ = clean_text(text)
    assert not has_surrogates(cleaned)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(x TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (cleaned,))
    assert conn.execute("SELECT x FROM t").fetchone()[0] == cleaned
