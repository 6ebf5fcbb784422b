"""What a methods section must say about AI assistance and agreement, as plain data.

Reporting guidance for AI-assisted qualitative analysis asks whether
suggestions were used, from which model and version, how many codings were
accepted from them and by whom, and that every coding was made by a person.
:func:`ai_assistance` answers from the codings themselves: a coding accepted
from a suggestion keeps origin ``suggestion``, its accepting coder and the
suggesting model's name and version (schema v3), also after a merge or a
.qdpx exchange. ``rule`` codings (applied by keywords, no person) are counted
apart, so :attr:`AiAssistance.all_by_person` is only true when there are none.

:func:`agreement_disclosure` turns an :class:`~evalbench.analysis.agreement.AgreementReport`
into the figures a methods paragraph should give beside pooled κ: the mean
per-code κ, the codes below 0.4 by name, Gwet's AC1, Krippendorff's α, and
each code's prevalence. The Word, Markdown and spreadsheet exports word them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalbench.analysis.agreement import AgreementReport, CodeAgreement
    from evalbench.store.store import Store


@dataclass(frozen=True)
class ModelUse:
    """One suggesting model (name and version) and how many of the codings it proposed."""

    model: str
    version: str
    codings: int

    @property
    def label(self) -> str:
        """``tfidf-logistic + codebook-keywords (blank:en), evalbench 0.1.0, spacy 3.8.18``: for people."""
        parts = [p.strip() for p in self.version.split(";")]
        tools = [p for p in parts if p and not p.startswith(("model ", "rules "))]
        return ", ".join([self.model, *tools])


@dataclass(frozen=True)
class AiAssistance:
    """AI assistance in a set of codings (all figures are counts of codings)."""

    total: int  #: codings counted
    accepted: int  #: accepted from suggestions
    by_coder: tuple[tuple[str, int], ...] = ()  #: accepting coder and count, most first
    models: tuple[ModelUse, ...] = ()  #: suggesting models, most used first
    unknown_model: int = 0  #: accepted before models were kept on codings (older files)
    rule_codings: int = 0  #: applied by keyword rules, no person involved
    by_person: int = 0  #: made or accepted by a person (manual, suggestion, import, merge)

    @property
    def used(self) -> bool:
        """Whether any counted coding began as a suggestion."""
        return self.accepted > 0

    @property
    def all_by_person(self) -> bool:
        """Whether every counted coding was made or accepted by a person."""
        return self.rule_codings == 0

    @property
    def sentence(self) -> str:
        """A plain sentence for a methods section."""
        if not self.total:
            return "No codings."
        if not self.used:
            head = "No coding began as a machine suggestion."
        else:
            share = 100 * self.accepted / self.total
            who = ", ".join(f"{c} {n:,}" for c, n in self.by_coder)
            models = "; ".join(m.label for m in self.models) or "a model whose version was not recorded"
            head = (
                f"{self.accepted:,} of {self.total:,} codings ({share:.0f}%) began as code suggestions made "
                f"offline by evalbench ({models}) and were each reviewed and accepted by a coder ({who})."
            )
        tail = (
            " Every coding was made or accepted by a person."
            if self.all_by_person
            else f" {self.rule_codings:,} coding(s) were applied by keyword rules without review."
        )
        return head + tail


def ai_assistance(
    store: Store, *, coding_ids: Iterable[int] | None = None, coders: Iterable[str] | None = None
) -> AiAssistance:
    """AI assistance among the codings named by ``coding_ids`` (else those of ``coders``, else all)."""
    total = accepted = rules = unknown = 0
    by_coder: Counter[str] = Counter()
    models: Counter[tuple[str, str]] = Counter()
    for origin, coder, model, version, n in store.provenance.origin_counts(coding_ids=coding_ids, coders=coders):
        total += n
        if origin == "rule":
            rules += n
        elif origin == "suggestion":
            accepted += n
            by_coder[coder] += n
            if model:
                models[(model, version or "")] += n
            else:
                unknown += n
    return AiAssistance(
        total=total,
        accepted=accepted,
        by_coder=tuple(sorted(by_coder.items(), key=lambda cn: (-cn[1], cn[0]))),
        models=tuple(ModelUse(m, v, n) for (m, v), n in sorted(models.items(), key=lambda kv: (-kv[1], kv[0]))),
        unknown_model=unknown,
        rule_codings=rules,
        by_person=total - rules,
    )


@dataclass(frozen=True)
class AgreementDisclosure:
    """Agreement figures for a methods paragraph (None where undefined)."""

    coders: tuple[str, ...]
    documents: int
    unit: str  #: 'turn' or 'char'
    percent: float | None
    kappa: float | None  #: pooled over every (unit, code) decision
    mean_kappa: float | None  #: mean of the per-code κ (α with three or more coders)
    low_codes: tuple[str, ...]  #: codes whose κ (α) is below 0.4, by label, worst first
    codes_rated: int
    ac1: float | None  #: Gwet's AC1, pooled
    alpha: float | None  #: Krippendorff's α, pooled
    prevalence: dict[str, float] = field(default_factory=dict)  #: code label -> share of decisions applying it

    @property
    def sentence(self) -> str:
        from evalbench.team.report_files import fmt

        name = "κ" if len(self.coders) == 2 else "α"
        parts = [f"percent agreement {fmt(self.percent, 1)}%"]
        if self.kappa is not None:
            parts.append(f"pooled Cohen's κ {fmt(self.kappa)}")
        parts.append(
            f"mean per-code {name} {fmt(self.mean_kappa)} ({len(self.low_codes)} of {self.codes_rated} codes below 0.4)"
        )
        parts += [f"Gwet's AC1 {fmt(self.ac1)}", f"Krippendorff's α {fmt(self.alpha)}"]
        head = f"Agreement between {', '.join(self.coders)} over {self.documents} transcript(s): "
        return head + ", ".join(parts) + "."


def agreement_disclosure(report: AgreementReport, labels: dict[str, str] | None = None) -> AgreementDisclosure:
    """The figures of ``report`` a methods paragraph needs; ``labels`` name codes (default: their names)."""
    from evalbench.analysis.agreement import BELOW

    labels = labels or {}
    two = len(report.coders) == 2
    rated: list[tuple[CodeAgreement, float]] = [
        (c, v) for c in report.codes if c.n_units and (v := c.kappa if two else c.alpha) is not None
    ]
    low = [labels.get(c.code, c.name) for c, v in sorted(rated, key=lambda cv: cv[1]) if v < BELOW]
    o = report.overall
    return AgreementDisclosure(
        coders=tuple(report.coders),
        documents=len(report.documents),
        unit=report.unit,
        percent=o.percent,
        kappa=o.kappa,
        mean_kappa=o.mean_kappa if two else o.mean_alpha,
        low_codes=tuple(low),
        codes_rated=len(rated),
        ac1=o.ac1,
        alpha=o.alpha,
        prevalence={
            labels.get(c.code, c.name): c.prevalence for c in report.codes if c.n_units and c.prevalence is not None
        },
    )
