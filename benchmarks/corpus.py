"""A synthetic interview corpus at realistic scale, for the import benchmark.

``write_corpus(folder, n)`` writes ``n`` transcripts of about 8,000 words each,
mixed formats (40% .txt, 20% .docx, 20% Zoom/Teams .vtt, 20% .srt) and mixed
speaker layouts. Words come from a Zipf-weighted vocabulary of common English
and health-services words plus invented tail words, so that the full-text index
sees a realistic number of distinct terms. Deterministic for a given seed.

Run alone: ``python benchmarks/corpus.py OUT_DIR N``.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

_COMMON = """
the of and to a in that it is was i for on you he be with as by at have are this not but had his
they from she which or we an there her were one do been all their has would will what if can when
so no said who more about up them some could him into its then two like other time very just out
me well because know think really yeah mean sort kind things people lot thing got going get way
did see good make made work working first much something right those also our us how even still
""".split()
_DOMAIN = """
patient patients safety diagnostic error errors learning lab huddle huddles case review reviews
nurse nurses physician physicians resident residents leadership leaders quality measurement data
dashboard feedback reporting culture staffing workload time protected resources funding training
coaching facilitator facilitators barrier barriers implementation programme pilot site sites
emergency department radiology discharge handoff follow-up test results missed delayed referral
clinic primary care hospital unit ward team teams meeting meetings sessions curriculum evaluation
""".split()
_SYLLABLES = ["ka", "ro", "mi", "te", "lan", "dor", "vi", "sen", "pu", "tha", "gre", "no", "lis", "qua", "bre"]
_QUESTIONS = [
    "Could you tell me about {w}?",
    "What got in the way of {w}?",
    "How did the {w} work at your site?",
    "What helped with {w}, if anything?",
    "What would you tell another hospital about {w}?",
]


def _vocabulary(rng: random.Random, size: int = 8000) -> tuple[list[str], list[float]]:
    words = _COMMON + _DOMAIN
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    return words, weights


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words, self.cum = _vocabulary(self.rng)

    def sentence(self) -> str:
        n = self.rng.randint(6, 22)
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", ".", "?"])

    def answer(self, words: int) -> str:
        out, count = [], 0
        while count < words:
            s = self.sentence()
            out.append(s)
            count += s.count(" ") + 1
        return " ".join(out)

    def question(self) -> str:
        return self.rng.choice(_QUESTIONS).format(w=self.rng.choice(_DOMAIN))


def interview_turns(writer: _Writer, target_words: int) -> list[tuple[int, str]]:
    """(speaker index 0=interviewer/1=participant, text) pairs totalling ~target_words."""
    turns, count = [], 0
    while count < target_words:
        q = writer.question()
        a = writer.answer(writer.rng.randint(40, 140))
        turns += [(0, q), (1, a)]
        count += len(q.split()) + len(a.split())
    return turns


def _clock(seconds: float, sep: str = ".") -> str:
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{int(seconds * 1000) % 1000:03d}"


def _cues(turns, names) -> list[tuple[str, str, str, str]]:
    """(start, end, speaker, text) cues of ~12 words each, 0.4 s per word."""
    out, t = [], 1.0
    for who, text in turns:
        words = text.split()
        for i in range(0, len(words), 12):
            chunk = " ".join(words[i : i + 12])
            out.append((t, t + 0.4 * len(words[i : i + 12]), names[who], chunk))
            t += 0.4 * len(words[i : i + 12]) + 0.2
    return out


def write_txt(path: Path, turns, names, layout: int) -> None:
    lines = ["Synthetic benchmark interview (not real data)", ""]
    t = 0
    for who, text in turns:
        t += 7 * len(text.split()) // 10
        stamp = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
        if layout == 0:
            lines += [f"{names[who]}: {text}", ""]
        elif layout == 1:
            lines += [f"[{stamp}] {names[who]}: {text}", ""]
        else:
            lines += [f"{names[who]}  {t // 60}:{t % 60:02d}", text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_docx(path: Path, turns, names) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Synthetic benchmark interview", level=1)
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Participant", names[1]
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Interviewer", names[0]
    for who, text in turns:
        para = document.add_paragraph()
        para.add_run(f"{names[who]}:").bold = True
        para.add_run(f" {text}")
    document.save(path)


def write_vtt(path: Path, turns, names, teams: bool) -> None:
    out = ["WEBVTT", ""]
    for n, (start, end, who, text) in enumerate(_cues(turns, names), 1):
        body = f"<v {who}>{text}</v>" if teams else f"{who}: {text}"
        out += [str(n), f"{_clock(start)} --> {_clock(end)}", body, ""]
    path.write_text("\n".join(out), encoding="utf-8")


def write_srt(path: Path, turns, names) -> None:
    out = []
    for n, (start, end, who, text) in enumerate(_cues(turns, names), 1):
        out += [str(n), f"{_clock(start, ',')} --> {_clock(end, ',')}", f"{who}: {text}", ""]
    path.write_text("\n".join(out), encoding="utf-8")


INTERVIEWERS = ["Dana Whitfield", "Interviewer", "I", "Marcus Bell"]


def write_corpus(folder: Path, n: int, *, words: int = 8000, seed: int = 7) -> list[Path]:
    """Write ``n`` transcripts into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = _Writer(seed)
    paths = []
    for i in range(n):
        turns = interview_turns(writer, words)
        interviewer = INTERVIEWERS[i % len(INTERVIEWERS)]
        participant = "R" if interviewer == "I" else f"Participant {i + 1}" if i % 3 else f"Person {i + 1:04d}"
        names = (interviewer, participant)
        kind = i % 10
        stem = folder / f"interview_{i + 1:05d}"
        if kind < 4:
            path = stem.with_suffix(".txt")
            write_txt(path, turns, names, layout=kind % 3)
        elif kind < 6:
            path = stem.with_suffix(".docx")
            write_docx(path, turns, names)
        elif kind < 8:
            path = stem.with_suffix(".vtt")
            write_vtt(path, turns, names, teams=kind == 7)
        else:
            path = stem.with_suffix(".srt")
            write_srt(path, turns, names)
        paths.append(path)
    return paths


if __name__ == "__main__":
    out = write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"wrote {len(out)} transcripts to {sys.argv[1]}")
