"""What an export was asked for, which format takes which option, and what it wrote.

:class:`ReportOptions` carries every report option as plain data, with the
defaults a first export should have. :func:`check_options` refuses an option a
format does not take (``--paper`` for a spreadsheet, say) in one line, so an
option never silently does nothing; each format's entry in
:mod:`evalbench.export.registry` lists the options it takes. :class:`ExportResult` lists every file
written and the warnings a person should read (a transcript with no
participant, say), so the CLI and the TUI can say them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from evalbench.errors import UserError
from evalbench.export import registry

LAYOUTS = ("constructs", "themes")
#: Paper sizes (width, height) in inches, portrait: US Letter, and A4 (210 × 297 mm).
PAPERS = {"letter": (8.5, 11.0), "a4": (210 / 25.4, 297 / 25.4)}

#: How each option is spelled at the command line, for messages.
FLAGS = {
    "layout": "--layout",
    "by": "--by",
    "mixed": "--mixed/--no-mixed",
    "min_participants": "--min-participants",
    "quotes": "--quotes",
    "paper": "--paper",
    "fold_subconstructs": "--fold-subconstructs",
    "figures": "--figures/--no-figures",
    "figures_dir": "--figures-dir",
    "cfir": "--cfir",
    "matrix": "--matrix",
    "ratings": "--ratings/--no-ratings",
    "codebook": "--codebook-appendix",
}


@dataclass(frozen=True)
class ReportOptions:
    """Every report option, with its default.

    ``by`` breaks participant counts down (role by default) and, in
    spreadsheets, adds a matrix by it; ``matrix`` adds the thematic matrix
    (themes × site, role, participant or an attribute); ``figures`` None means
    "in Word, yes".
    """

    layout: str = "constructs"
    by: str | None = None
    mixed: bool = True
    min_participants: int = 1
    quotes: int = 2
    paper: str = "letter"
    fold_subconstructs: bool = False
    figures: bool | None = None
    figures_dir: Path | None = None
    cfir: bool = False
    matrix: str | None = None
    ratings: bool | None = None
    codebook: bool = False

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise UserError(f"layout must be one of {', '.join(LAYOUTS)}, not {self.layout!r}")
        if self.paper not in PAPERS:
            raise UserError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        if self.min_participants < 1:
            raise UserError(f"--min-participants must be 1 or more, not {self.min_participants}")
        if not 0 <= self.quotes <= 20:
            raise UserError(f"--quotes must be between 0 and 20, not {self.quotes}")
        if self.figures_dir is not None and not Path(self.figures_dir).is_dir():
            raise UserError(f"{self.figures_dir}: no such folder for the figures")

    @property
    def group_by(self) -> str:
        """What participant counts are broken down by."""
        return self.by or "role"


def check_options(fmt: str, given: dict) -> ReportOptions:
    """``ReportOptions`` from the options ``given`` (name -> value); an option ``fmt`` does not use is an error."""
    names = {f.name for f in fields(ReportOptions)}
    unknown = set(given) - names
    if unknown:
        raise UserError(f"{fmt} export has no option {', '.join(sorted(unknown))}")
    unused = sorted(set(given) - registry.get(fmt).options, key=list(FLAGS).index)
    if unused:
        raise UserError(
            f"{', '.join(FLAGS[n] for n in unused)}: not used by a .{fmt} export "
            f"(it applies to {_formats_of(unused[0])})"
        )
    opts = ReportOptions(**given)
    layout_only = {"mixed": "constructs", "fold_subconstructs": "constructs", "cfir": "themes"}
    wrong = [n for n in given if layout_only.get(n, opts.layout) != opts.layout]
    if wrong:
        raise UserError(f"{FLAGS[wrong[0]]}: only for --layout {layout_only[wrong[0]]}")
    return opts


def _formats_of(option: str) -> str:
    return ", ".join(f".{fmt}" for fmt in registry.formats_with(option))


@dataclass
class ExportResult:
    """What an export did: every file written (the one asked for first) and what a person should know."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    coding: str = ""  #: which coding it counts, in words ("the consensus coding of alex and sam")

    @property
    def path(self) -> Path:
        return self.files[0]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
