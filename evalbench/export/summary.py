"""The methods paragraph: what was coded, by whom, which coding the tables count, agreement, AI assistance.

Everything the paragraph says arrives as plain data (:class:`StudySummary`,
with :class:`Agreement` and :class:`Assistance` in their own slots), so other
areas can fill the slots without the paragraph knowing where the figures came
from: agreement statistics from the team area, the disclosure of accepted
suggestions from the suggestions area. :func:`study_summary` fills them from
what the export already has (the codings' ``origin`` column says which codings
were accepted suggestions) until those areas provide more.

Interviews are the transcripts with at least one coding in the coding the
tables count (a transcript nobody has coded yet is named as not counted);
participants are the study IDs linked to them (a transcript with no linked
participant counts as one person); roles and sites come from the participant
attributes ``role`` and ``site``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.export.source import ExportSource
    from evalbench.findings.choice import CodingChoice
    from evalbench.store.store import Store

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
LOW_KAPPA = 0.4  #: per-code κ below this is named (Landis & Koch's "fair" or worse)


def number(n: int) -> str:
    """Numbers below eleven in words, as journals ask."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else f"{n:,}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{number(n)} {word if n == 1 else (words or word + 's')}"


def names(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Agreement:
    """Intercoder agreement before reconciliation (plain numbers; any may be missing)."""

    coders: tuple[str, ...]
    documents: int
    unit: str  #: 'turn' or 'char'
    percent: float | None = None
    kappa: float | None = None  #: pooled over every (unit, code) decision
    mean_kappa: float | None = None  #: mean of the per-code κ
    low_codes: tuple[str, ...] = ()  #: codes whose κ is below LOW_KAPPA, by name
    ac1: float | None = None  #: Gwet's AC1
    alpha: float | None = None  #: Krippendorff's α


@dataclass(frozen=True)
class Assistance:
    """Codings that began as evalbench suggestions, for an AI-assistance disclosure."""

    accepted: int  #: codings accepted from suggestions, in the coding the tables count
    total: int  #: codings the tables count
    by_coder: tuple[tuple[str, int], ...] = ()  #: who accepted them, most first
    models: tuple[str, ...] = ()  #: model names and versions, as people should read them
    rule_codings: int = 0  #: applied by keyword rules, no person involved
    unknown_model: int = 0  #: of ``accepted``, those whose model was not recorded (accepted before schema 3)


@dataclass
class StudySummary:
    interviews: int  #: coded transcripts
    participants: int
    roles: list[tuple[str, int]] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)  #: whose codings count
    coding: str = ""  #: which coding the tables count, in words ("the consensus coding of alex and sam")
    all_coders: bool = False
    codings: int = 0
    codes_used: int = 0
    codebook_size: int = 0
    uncoded: int = 0  #: transcripts in the project with no coding in this coding
    unlinked: int = 0  #: coded transcripts with no linked participant
    agreement: Agreement | None = None
    assistance: Assistance | None = None

    @property
    def text(self) -> str:
        """The methods paragraph (deterministic for the same project)."""
        first = (
            f"The analysis covers {plural(self.interviews, 'coded interview')} with "
            f"{plural(self.participants, 'participant')}"
        )
        if self.roles:
            first += " (" + ", ".join(f"{n} {role}" for role, n in self.roles) + ")"
        if self.sites:
            first += f" at {plural(len(self.sites), 'site')} ({', '.join(self.sites)})"
        parts = [first + "."]
        if self.unlinked:
            parts.append(
                f"{_cap(plural(self.unlinked, 'coded transcript'))} "
                f"{'is' if self.unlinked == 1 else 'are'} linked to no participant and "
                f"{'is' if self.unlinked == 1 else 'are'} quoted by file name."
            )
        if self.uncoded:
            parts.append(
                f"{_cap(plural(self.uncoded, 'further transcript'))} in the project "
                f"{'has' if self.uncoded == 1 else 'have'} no codings in this coding and "
                f"{'is' if self.uncoded == 1 else 'are'} not counted."
            )
        coding = self.coding or (f"the codings of {names(self.coders)}" if self.coders else "no coding yet")
        parts.append(
            f"The tables count {coding}: {self.codings:,} codings of {self.codes_used} of the "
            f"{self.codebook_size} codes in the codebook, each excerpt marked as a barrier or a "
            "facilitator where it applied."
        )
        if self.all_coders and len(self.coders) > 1:
            parts.append("A passage coded by more than one coder is quoted once.")
        if self.agreement:
            parts.append(_agreement_text(self.agreement, reconciled=not self.all_coders))
        if self.assistance and (self.assistance.accepted or self.assistance.rule_codings):
            parts.append(_assistance_text(self.assistance))
        parts.append("Counts are distinct participants; quotes are labelled with participant IDs.")
        return " ".join(p for p in parts if p)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _agreement_text(a: Agreement, *, reconciled: bool) -> str:
    stats = []
    if a.percent is not None:
        stats.append(f"percent agreement {a.percent:.1f}%")
    if a.kappa is not None:
        stats.append(f"Cohen's κ = {a.kappa:.2f} (pooled)")
    if a.mean_kappa is not None:
        low = ""
        if a.low_codes:
            shown = list(a.low_codes[:5]) + ([f"{len(a.low_codes) - 5} more"] if len(a.low_codes) > 5 else [])
            low = f" ({plural(len(a.low_codes), 'code')} below {LOW_KAPPA:.2f}: {names(shown)})"
        stats.append(f"mean per-code κ = {a.mean_kappa:.2f}{low}")
    if a.ac1 is not None:
        stats.append(f"Gwet's AC1 = {a.ac1:.2f}")
    if a.alpha is not None:
        stats.append(f"Krippendorff's α = {a.alpha:.2f}")
    if not stats:
        return ""
    unit = "participant turns" if a.unit == "turn" else "characters"
    return (
        ("Before reconciliation, intercoder" if reconciled else "Intercoder") + " agreement between "
        f"{names(a.coders)} over {plural(a.documents, 'transcript')} ({unit} as units): " + ", ".join(stats) + "."
    )


def _assistance_text(a: Assistance) -> str:
    out = []
    if a.accepted:
        share = 100 * a.accepted / a.total if a.total else 0
        who = f" (accepted by {', '.join(f'{c}: {n}' for c, n in a.by_coder)})" if a.by_coder else ""
        model = f", made by {names(a.models)} running offline" if a.models else ""
        if a.unknown_model:
            model += (
                f" ({a.unknown_model:,} by a model whose name and version were not recorded)"
                if a.models
                else ", by a model whose name and version were not recorded"
            )
        out.append(
            f"{a.accepted:,} of the {a.total:,} codings ({share:.0f}%) began as code suggestions from "
            f"evalbench{model}, each reviewed and accepted by a coder{who}."
        )
    if a.rule_codings:
        out.append(f"{a.rule_codings:,} coding(s) were applied by keyword rules without review.")
    elif a.accepted:
        out.append("Every coding was made or accepted by a person.")
    return " ".join(out)


def agreement_of(project: ExportSource, coders: list[str]) -> Agreement | None:
    """Agreement between ``coders`` (None when fewer than two or not computable).

    The figures come from the suggestions area's plain-data disclosure
    (:func:`evalbench.suggest.disclosure.agreement_disclosure`: pooled and mean per-code κ, the codes
    below 0.4 named as people name them, AC1, α). Pooled κ is given for two coders only.
    """
    from evalbench.codebook.labels import code_labels
    from evalbench.suggest.disclosure import agreement_disclosure

    if len(coders) < 2:
        return None
    try:
        report = project.agreement(list(coders))
    except (UserError, ValueError, KeyError):
        return None
    d = agreement_disclosure(report, code_labels(project.codes()))
    return Agreement(
        coders=d.coders,
        documents=d.documents,
        unit=d.unit,
        percent=d.percent,
        kappa=d.kappa if len(d.coders) == 2 else None,
        mean_kappa=d.mean_kappa,
        low_codes=d.low_codes,
        ac1=d.ac1,
        alpha=d.alpha,
    )


def assistance_of(frame: pd.DataFrame, store: Store) -> Assistance:
    """Accepted suggestions among the codings in ``frame``, by whom and from which model.

    From the suggestions area's disclosure (:func:`evalbench.suggest.disclosure.ai_assistance`, which
    knows the models, the codings accepted before models were recorded, and those applied by keyword rules).
    """
    from evalbench.suggest.disclosure import ai_assistance

    if not len(frame):
        return Assistance(0, 0)
    a = ai_assistance(store, coding_ids=[int(i) for i in frame["coding_id"]])
    return Assistance(
        a.accepted, a.total, a.by_coder, tuple(m.label for m in a.models), a.rule_codings, a.unknown_model
    )


def study_summary(
    project: ExportSource,
    frame: pd.DataFrame,
    choice: CodingChoice | None = None,
    *,
    agreement: Agreement | None = None,
    assistance: Assistance | None = None,
    coder: str | None = None,
) -> StudySummary:
    """Counts for the codings in ``frame`` (the coding ``choice`` describes).

    ``agreement`` and ``assistance`` are the slots other areas fill; when not
    given, agreement comes from ``Project.agreement`` between the coders the
    consensus reconciled (or every coder, when all coders count) and the
    disclosure from the codings' origin. ``coder`` is the older way of saying
    which coding counts (one coder's).
    """
    docs = project.documents()
    coded = set(frame["document_id"]) if len(frame) else set()
    people: dict[str, dict] = {}
    unlinked = 0
    for d in docs:
        if d.id in coded:
            people.setdefault(d.participant or f"\0{d.name}", d.attributes)
            unlinked += not d.participant
    roles = Counter(a["role"].replace("_", " ") for a in people.values() if a.get("role"))
    sites = sorted({a["site"] for a in people.values() if a.get("site")})
    coders = sorted(set(frame["coder"])) if len(frame) else []
    all_coders = choice is not None and choice.all_coders
    if agreement is None and coder is None:
        reconciled = list(choice.reconciled) if choice is not None else []
        compared = reconciled or (coders if all_coders or choice is None else [])
        agreement = agreement_of(project, [c for c in compared if c != "consensus"])
    return StudySummary(
        interviews=len(coded),
        participants=len(people),
        roles=sorted(roles.items(), key=lambda rn: (-rn[1], rn[0])),
        sites=sites,
        coders=coders,
        coding=(choice.description if choice is not None else "") or (f"{coder}'s coding" if coder else ""),
        all_coders=all_coders,
        codings=len(frame),
        codes_used=frame["code_id"].nunique() if len(frame) else 0,
        codebook_size=len(project.codes()),
        uncoded=len(docs) - len(coded),
        unlinked=unlinked,
        agreement=agreement,
        assistance=assistance if assistance is not None else assistance_of(frame, project.store),
    )
