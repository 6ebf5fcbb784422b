"""The counts a methods paragraph reports, and the paragraph itself.

Interviews are documents; participants are the study IDs linked to them
(a document without one counts as one participant); roles and sites come from
the participant attributes ``role`` and ``site``. Agreement is reported when
the project can compute it (``Project.agreement``) and at least two coders
other than ``consensus`` coded; a failure to compute it leaves it out rather
than failing the export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from evalbench.errors import UserError

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def number(n: int) -> str:
    """Numbers below eleven in words, as journals ask."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{number(n)} {word if n == 1 else (words or word + 's')}"


@dataclass
class StudySummary:
    interviews: int
    participants: int
    roles: list[tuple[str, int]] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    codes_used: int = 0
    codebook_size: int = 0
    agreement: dict | None = None

    @property
    def text(self) -> str:
        """The methods paragraph (deterministic for the same project)."""
        parts = [f"The analysis covers {plural(self.interviews, 'interview')} with "
                 f"{plural(self.participants, 'participant')}"]
        if self.roles:
            parts[0] += " (" + ", ".join(f"{n} {role}" for role, n in self.roles) + ")"
        if self.sites:
            parts[0] += f" at {plural(len(self.sites), 'site')} ({', '.join(self.sites)})"
        parts[0] += "."
        coders = plural(len(self.coders), "coder")
        parts.append(f"{coders[0].upper()}{coders[1:]} applied {self.codings} codings of "
                     f"{self.codes_used} of the {self.codebook_size} codes in the codebook, marking each "
                     "excerpt as a barrier or a facilitator where it applied.")
        if self.agreement:
            a = self.agreement
            stats = [f"{a['percent']:.1f}% agreement"] if a.get("percent") is not None else []
            if a.get("kappa") is not None:
                stats.append(f"Cohen's κ = {a['kappa']:.2f}")
            if a.get("alpha") is not None:
                stats.append(f"Krippendorff's α = {a['alpha']:.2f}")
            if stats:
                parts.append(f"Intercoder agreement over {plural(a['documents'], 'document')} coded by "
                             f"{plural(len(a['coders']), 'coder')} ({a['unit']} units): " + ", ".join(stats) + ".")
        parts.append("Counts are distinct participants; quotes are labelled with participant IDs.")
        return " ".join(parts)


def _agreement(project, coders: list[str]) -> dict | None:
    compared = [c for c in coders if c != "consensus"]
    if not hasattr(project, "agreement") or len(compared) < 2:
        return None
    try:
        report = project.agreement(compared)
    except (UserError, ValueError, KeyError):
        return None
    overall = report.overall
    return {"percent": overall.percent, "kappa": overall.kappa, "alpha": overall.alpha,
            "coders": list(report.coders), "documents": len(report.documents), "unit": report.unit}


def study_summary(project, frame, *, coder: str | None = None) -> StudySummary:
    """Counts for the project (codings restricted to ``coder`` when given)."""
    docs = project.documents()
    people: dict[str, dict] = {}
    for d in docs:
        people.setdefault(d.participant or d.name, d.attributes)
    roles = Counter(a["role"].replace("_", " ") for a in people.values() if a.get("role"))
    sites = sorted({a["site"] for a in people.values() if a.get("site")})
    coders = sorted(set(frame["coder"])) if len(frame) else []
    return StudySummary(
        interviews=len(docs), participants=len(people),
        roles=sorted(roles.items(), key=lambda rn: (-rn[1], rn[0])), sites=sites, coders=coders,
        codings=len(frame), codes_used=frame["code_id"].nunique() if len(frame) else 0,
        codebook_size=len(project.codes()),
        agreement=None if coder else _agreement(project, coders))
