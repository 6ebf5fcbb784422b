"""Word counts that also work for scripts written without spaces.

Splitting on whitespace counted a Japanese meeting as 19 words: Chinese and
Japanese are written without spaces between words. Without a dictionary-based
segmenter (none is installed, and nothing may be downloaded) the honest
measure is the one word processors use: every Han, kana or other CJK
character counts as one word, and runs of any other script count once per
whitespace-separated token. Korean puts spaces between words, so Hangul is
counted by whitespace like Latin text.
"""

from __future__ import annotations

import re

#: CJK ideographs, kana, CJK punctuation-free symbols and fullwidth letters: one word each.
_CJK_CHARS = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u31f0-\u31ff"  # katakana extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003134f"  # ideographs beyond the BMP
)
_CJK = re.compile(f"[{_CJK_CHARS}]")
#: One CJK character, or a run of anything else that is not space and not CJK punctuation.
_TOKEN = re.compile(f"[{_CJK_CHARS}]|[^\\s{_CJK_CHARS}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")


def count_words(text: str) -> int:
    """Words in ``text``: whitespace-separated tokens, plus one per CJK character.

    Text without CJK characters (the usual case) costs one ``str.split``.
    """
    if not _CJK.search(text):
        return len(text.split())
    return len(_TOKEN.findall(text))


def turn_word_counts(text: str, turns) -> list[int]:
    """Words in each turn's content, looking for CJK once for the whole text."""
    if not _CJK.search(text):
        return [len(text[t.start : t.end].split()) for t in turns]
    return [count_words(text[t.start : t.end]) for t in turns]


def count_turn_words(text: str, turns) -> int:
    """Words in the turns' content (the whole text when there are no turns)."""
    return sum(turn_word_counts(text, turns)) if turns else count_words(text)
