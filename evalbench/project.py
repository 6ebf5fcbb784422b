"""Project: the one façade that the CLI and the TUI call.

A Project is one :class:`~evalbench.store.store.Store` (the open file, its
private connection, the current coder, transactions and undo) and the
services of each area built over it. It belongs to the thread that opened
it; a worker thread opens its own with :meth:`Project.reopen`. Every
user-visible change runs inside :meth:`action`, which is one transaction and
one entry in the persistent undo log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from evalbench.errors import UserError
from evalbench.model import Code, Coding, Document, Participant, Quote, Rating, SearchHit, Speaker, Turn
from evalbench.store import undo
from evalbench.store.db import write_transaction
from evalbench.store.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.analysis.agreement import AgreementReport
    from evalbench.analysis.disagreements import Disagreement
    from evalbench.analysis.frame import CodeTree
    from evalbench.analysis.service import AnalysisService
    from evalbench.analysis.themes import ThemeRow
    from evalbench.bulkcode import BulkCodingService
    from evalbench.codebook.diff import CodebookDiff
    from evalbench.codebook.model import Codebook
    from evalbench.codebook.ops import PullReport
    from evalbench.codebook.service import CodebookService
    from evalbench.coding.service import CodingService
    from evalbench.export.options import ExportResult
    from evalbench.findings.service import ThemeService
    from evalbench.ingest.document import ParsedDocument
    from evalbench.ingest.participants import ParticipantRow
    from evalbench.ingest.report import BatchReport
    from evalbench.ingest.service import ImportService
    from evalbench.model import ImportReport, Suggestion, TrainReport
    from evalbench.refi.service import QdpxExport, RefiService
    from evalbench.store.consensus import ConsensusDecision
    from evalbench.store.documents import Roles
    from evalbench.suggest.evaluate import Evaluation
    from evalbench.suggest.service import SuggestService
    from evalbench.suggest.similar import SimilarTurn
    from evalbench.team.merge import MergeReport
    from evalbench.team.service import TeamService

Progress = Callable[[int, int, str], None]


class Project:
    """An open evalbench project file: a Store and the services of each area."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.path

    # --- the services, each built (and its modules imported) when first used -----------------------
    # A command uses one or two areas; importing every service's modules up front cost a fresh
    # process ~100 ms (`import evalbench.cli` 121 -> 226 ms, measured with -X importtime).
    @cached_property
    def coding(self) -> CodingService:
        from evalbench.coding.service import CodingService

        return CodingService(self.store)

    @cached_property
    def codebook(self) -> CodebookService:
        from evalbench.codebook.service import CodebookService

        return CodebookService(self.store)

    @cached_property
    def imports(self) -> ImportService:
        from evalbench.ingest.service import ImportService

        return ImportService(self.store)

    @cached_property
    def bulk(self) -> BulkCodingService:
        from evalbench.bulkcode import BulkCodingService

        return BulkCodingService(self.store, self.coding)

    @cached_property
    def analysis(self) -> AnalysisService:
        from evalbench.analysis.service import AnalysisService

        return AnalysisService(self.store, self.coding)

    @cached_property
    def themes(self) -> ThemeService:
        from evalbench.findings.service import ThemeService

        return ThemeService(self.store)

    @cached_property
    def refi(self) -> RefiService:
        from evalbench.refi.service import RefiService

        return RefiService(self.store)

    @cached_property
    def team(self) -> TeamService:
        from evalbench.team.service import TeamService

        return TeamService(self.store, self.imports)

    @cached_property
    def suggest(self) -> SuggestService:
        from evalbench.suggest.service import SuggestService

        return SuggestService(self.store, self.coding)

    # --- lifecycle -------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, *, name: str | None = None, coder: str | None = None) -> Project:
        """Create a new, empty project file; refuses to overwrite an existing file."""
        return cls(Store.create(path, name=name, coder=coder))

    @classmethod
    def open(cls, path: str | Path, *, coder: str | None = None) -> Project:
        """Open an existing project (migrating an older file after a backup)."""
        return cls(Store.open(path, coder=coder))

    def reopen(self) -> Project:
        """A second Project on the same file, for use in another thread."""
        return Project(self.store.reopen())

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- the project, its coder, transactions and undo ---------------------------------------------
    def meta(self, key: str) -> str | None:
        return self.store.meta.get(key)

    @property
    def name(self) -> str:
        return self.store.name

    @property
    def coder(self) -> str:
        """The coder whose changes this Project records."""
        return self.store.coder

    def set_coder(self, coder: str) -> None:
        """Switch coder and remember the choice in the project for next time."""
        self.store.set_coder(coder)

    def coders(self) -> list[str]:
        """Every coder who has coded in this project (or was set as coder)."""
        return self.store.coders.names()

    def known_coder(self, coder: str | None) -> str | None:
        """``coder`` (or None) if this project knows that coder, else a UserError naming those it knows."""
        if coder is not None and coder not in (known := self.coders()):
            raise UserError(f"{self.path.name}: no coder {coder!r} (coders: {', '.join(known) or 'none'})")
        return coder

    def transaction(self) -> write_transaction:
        """A write transaction that is not recorded for undo (imports, settings)."""
        return self.store.transaction()

    def action(self, label: str) -> AbstractContextManager[undo.Action]:
        """One user action: one transaction and one undo-log entry for the current coder."""
        return self.store.action(label)

    def undo(self) -> str | None:
        """Undo the current coder's last action; returns its label or None."""
        return self.store.undo()

    def redo(self) -> str | None:
        """Redo the current coder's last undone action; returns its label or None."""
        return self.store.redo()

    def undo_label(self) -> str | None:
        """Label of the action :meth:`undo` would reverse."""
        return self.store.undo_label()

    # --- documents, participants, speakers, turns -------------------------
    def documents(self, *, with_text: bool = False) -> list[Document]:
        return self.store.documents.list(with_text=with_text)

    def document(self, ref: int | str, *, with_text: bool = True) -> Document:
        """A document by id or by file name."""
        return self.store.documents.get(ref, with_text=with_text)

    def document_text(self, document_id: int) -> str:
        return self.store.documents.text(document_id)

    def participants(self) -> list[Participant]:
        return self.store.participants.list()

    def speakers(self, document_id: int | None = None) -> list[Speaker]:
        return self.store.speakers.list(document_id)

    def set_speaker_role(self, speaker_id: int, role: str) -> None:
        """Override the detected role of one speaker (kept through later imports)."""
        self.imports.set_speaker_role(speaker_id, role)

    def turns(self, document_id: int | None = None) -> list[Turn]:
        return self.store.turns.list(document_id)

    def turn_at(self, document_id: int, offset: int) -> Turn | None:
        """The turn containing character ``offset`` of a document, if any."""
        return self.store.turns.at(document_id, offset)

    # --- codes: project.codebook (which is callable: project.codebook() is the Codebook) -----------
    def codes(self) -> list[Code]:
        """The codebook, parents before children."""
        return self.codebook.codes()

    def code(self, code_id: str) -> Code:
        return self.codebook.code(code_id)

    def add_codes(self, codes: list[Code], *, label: str = "Add codes") -> int:
        """Add codes (parents listed before children); existing IDs are an error."""
        return self.codebook.add_many(codes, label=label)

    def add_code(self, code: Code) -> Code:
        """Add one code at the end of its parent's children."""
        return self.codebook.add(code)

    def update_code(self, code_id: str, **changes: Any) -> Code:
        """Edit a code's name, definition, criteria, examples, keywords, colour or valence."""
        return self.codebook.update(code_id, **changes)

    def rename_code(self, code_id: str, name: str) -> Code:
        return self.codebook.rename(code_id, name)

    def move_code(self, code_id: str, parent_id: str | None) -> Code:
        """Move a code and its subtree under ``parent_id`` (None: top level)."""
        return self.codebook.move(code_id, parent_id)

    def remove_code(self, code_id: str) -> None:
        """Delete a code that has no codings and no children."""
        self.codebook.remove(code_id)

    def merge_codes(self, sources: list[str], target: str) -> dict[str, int]:
        """Merge codes into ``target``, moving their codings (memo records 'merged from')."""
        return self.codebook.merge(sources, target)

    def split_code(
        self, code_id: str, into: list[tuple[str, str]], *, as_children: bool = False, codings_to: str | None = None
    ) -> list[Code]:
        """Create new codes [(id, name)] from one; codings stay unless ``codings_to``."""
        return self.codebook.split(code_id, into, as_children=as_children, codings_to=codings_to)

    def pull_codebook(self, source: str | Path | Codebook, *, dry_run: bool = False) -> PullReport:
        """Update the codebook from a shared file (or Codebook); used codes are kept, reported."""
        return self.codebook.pull(source, dry_run=dry_run)

    def push_codebook(self, path: str | Path, fmt: str | None = None) -> CodebookDiff:
        """Write the codebook to a shared file (keeping its comments); returns the file's diff."""
        return self.codebook.push(path, fmt)

    # --- codings and memos: project.coding (which is callable: project.coding(id) is one Coding) ---
    def codings(
        self, *, document_id: int | None = None, coder: str | None = None, code_id: str | None = None
    ) -> list[Coding]:
        return self.coding.list(document_id=document_id, coder=coder, code_id=code_id)

    def recent_codes(self, n: int = 5) -> list[str]:
        """The codes the current coder applied most recently, newest first (the picker lists them first)."""
        return self.coding.recent_codes(n)

    def add_coding(
        self,
        document_id: int,
        start: int,
        end: int,
        code_id: str,
        *,
        valence: str = "none",
        memo: str = "",
        origin: str = "manual",
        coder: str | None = None,
        suggestion_id: int | None = None,
    ) -> int:
        """Code ``text[start:end]`` of a document; one undoable action. Returns the coding id."""
        return self.coding.add(
            document_id,
            start,
            end,
            code_id,
            valence=valence,
            memo=memo,
            origin=origin,
            coder=coder,
            suggestion_id=suggestion_id,
        )

    def add_codings(self, rows: list[dict[str, Any]], *, label: str) -> list[int]:
        """Add many codings as one action: all land or none (rows hold :meth:`add_coding`'s arguments)."""
        return self.coding.add_many(rows, label=label)

    def update_coding(self, coding_id: int, **changes: Any) -> None:
        """Change a coding's code, valence, memo, span or star; one undoable action."""
        self.coding.update(coding_id, **changes)

    def remove_coding(self, coding_id: int) -> None:
        """Delete a coding; one undoable action."""
        self.coding.remove(coding_id)

    def coding_words(self, coding_id: int) -> str:
        """A coding in the user's words: ``Culture, P03 “we never had protected…”``."""
        return self.store.describe.coding(coding_id)

    def memo(self, target_type: str, target_id: str | int, coder: str | None = None) -> str:
        """The memo text a coder wrote on a target ('' when none)."""
        return self.coding.memo(target_type, target_id, coder)

    def set_memo(self, target_type: str, target_id: str | int, text: str) -> None:
        """Write (or with empty text, delete) the current coder's memo on a target."""
        self.coding.set_memo(target_type, target_id, text)

    # --- search and stats ----------------------------------------------------
    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search over turns (see :meth:`evalbench.store.search.Search.turns`)."""
        return self.store.search.turns(query, limit=limit)

    def stats(self) -> dict[str, Any]:
        """Counts per document and for the whole project (the shape of ``stats --json``)."""
        return self.store.stats.project()

    # --- import: project.imports, project.bulk ----------------------------------------------------
    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        participants_csv: str | Path | None = None,
        encoding: str | None = None,
        max_bytes: int | None = None,
        strict: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> BatchReport:
        """Import transcript files and folders (see :meth:`ImportService.import_paths`)."""
        return self.imports.import_paths(
            paths,
            participants_csv=participants_csv,
            encoding=encoding,
            max_bytes=max_bytes,
            strict=strict,
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )

    def has_document(self, sha256: str) -> str | None:
        """Name of the document already imported with these bytes, if any."""
        return self.imports.has_document(sha256)

    def add_document(self, parsed: ParsedDocument, roles: Roles | None = None, *, words: int | None = None) -> int:
        """Store one parsed document with its speakers, turns and search index, atomically."""
        return self.imports.add_document(parsed, roles, words=words)

    def set_participant(self, document_id: int | None, label: str, attributes: dict[str, str] | None = None) -> int:
        """Link a document (if given) to a participant (created if new) and set their attributes."""
        return self.imports.set_participant(document_id, label, attributes)

    def refresh_roles(self) -> int:
        """Re-check speaker roles across all documents, keeping roles the user set."""
        return self.imports.refresh_roles()

    def link_participants(self, links: Iterable[tuple[ParticipantRow, list[int]]]) -> None:
        """Create participants with their attributes and link documents, in one transaction."""
        self.imports.link_participants(links)

    def apply_participants(self, rows: list[ParticipantRow]) -> list[str]:
        """Link participants-CSV rows to the project's documents; returns a warning per row matching none."""
        return self.imports.apply_participants(rows)

    def code_from_csv(self, path: str | Path, *, coder: str | None = None) -> int:
        """Apply a codings spreadsheet (see :mod:`evalbench.bulkcode`) as one action; returns codings added."""
        return self.bulk.code_from_csv(path, coder=coder)

    # --- analysis: project.analysis ----------------------------------------------------------------
    def codings_frame(self, coder: str | None = None) -> tuple[pd.DataFrame, CodeTree]:
        """Every coding (of ``coder``, or of all coders) as a DataFrame with its context, and the code tree."""
        return self.analysis.codings_frame(coder)

    def frequencies(
        self, by: str | None = None, coder: str | None = None, *, level: str = "code", all_codes: bool = False
    ) -> pd.DataFrame:
        """Per code: codings, documents, participants, codings by valence (+ participants per ``by`` value)."""
        return self.analysis.frequencies(by, coder, level=level, all_codes=all_codes)

    def matrix(
        self, by: str = "participant", coder: str | None = None, *, level: str = "construct", value: str = "codings"
    ) -> pd.DataFrame:
        """Codes × participants (or role, site, any attribute); cells count codings or participants."""
        return self.analysis.matrix(by, coder, level=level, value=value)

    def group_values(self, by: str) -> list[str]:
        """Every participant (or attribute value) in the project, coded or not, for matrix columns."""
        return self.analysis.group_values(by)

    def matrix_quotes(
        self,
        code_id: str,
        by: str = "participant",
        value: str | None = None,
        coder: str | None = None,
        *,
        level: str = "construct",
    ) -> list[Quote]:
        """The excerpts behind one matrix cell."""
        return self.analysis.matrix_quotes(code_id, by, value, coder, level=level)

    def cooccurrence(self, coder: str | None = None, *, level: str = "code") -> pd.DataFrame:
        """Code × code: participant turns coded with both (diagonal: turns coded with each)."""
        return self.analysis.cooccurrence(coder, level=level)

    def rapid_matrix(self, level: str = "domain", coder: str | None = None) -> pd.DataFrame:
        """Rapid-analysis matrix: participants × domains (or constructs), cells the current coder's summaries."""
        return self.analysis.rapid_matrix(level, coder)

    def set_cell_summary(self, participant: str, code_id: str, text: str) -> None:
        """Write the current coder's rapid-analysis summary for one participant × code cell."""
        self.analysis.set_cell_summary(participant, code_id, text)

    def cell_summary(self, participant: str, code_id: str) -> str:
        """The current coder's rapid-analysis summary of one cell ('' when none)."""
        return self.analysis.cell_summary(participant, code_id)

    def rapid_cell(
        self, participant: str, code_id: str, *, level: str = "domain", coder: str | None = None
    ) -> tuple[str, list[Quote]]:
        """One rapid-analysis cell: ``(summary, quotes)`` for a participant and a domain or construct."""
        return self.analysis.rapid_cell(participant, code_id, level=level, coder=coder)

    def exemplar_quotes(
        self,
        code_id: str,
        n: int = 3,
        *,
        valence: str | None = None,
        coder: str | None = None,
        level: str = "construct",
    ) -> list[Quote]:
        """Quotes for a code: starred first, then proposed ones."""
        return self.analysis.exemplar_quotes(code_id, n, valence=valence, coder=coder, level=level)

    def star_coding(self, coding_id: int, starred: bool = True) -> None:
        """Mark (or unmark) a coding as an exemplar quote; one undoable action."""
        self.coding.star(coding_id, starred)

    def theme_rows(self, coder: str | None = None, *, level: str = "construct", quotes: int = 2) -> list[ThemeRow]:
        """The manuscript theme table's rows by construct."""
        return self.analysis.theme_rows(coder, level=level, quotes=quotes)

    def propose_ratings(
        self, scope: str = "participant", coder: str | None = None, *, level: str = "construct"
    ) -> pd.DataFrame:
        """Proposed CFIR ratings per construct × participant or site, beside the stored ones."""
        return self.analysis.propose_ratings(scope, coder, level=level)

    def ratings(self, scope: str | None = None, coder: str | None = None) -> list[Rating]:
        """Stored ratings of a coder (default: the current one)."""
        return self.analysis.ratings(scope, coder)

    def set_rating(
        self,
        code_id: str,
        scope: str,
        value: str,
        rating: str | None,
        *,
        rationale: str | None = None,
        coder: str | None = None,
    ) -> None:
        """Confirm or change one rating (``rating=None`` removes it); one undoable action."""
        self.analysis.set_rating(code_id, scope, value, rating, rationale=rationale, coder=coder)

    # --- suggestions: project.suggest -----------------------------------------------------------------
    def suggest_turn(self, turn_id: int, *, k: int = 3) -> list[Suggestion]:
        """Top ``k`` suggested codes for one participant turn, stored as open suggestions."""
        return self.suggest.turn(turn_id, k=k)

    def suggestions(self, *, document: int | str | None = None) -> list[Suggestion]:
        """Refresh suggestions for participant turns and return the open ones, best first per turn."""
        return self.suggest.refresh(document=document)

    def accept_suggestion(self, suggestion_id: int, *, valence: str | None = None) -> int:
        """Code the suggested turn (origin 'suggestion'); one undoable action. Returns the coding id."""
        return self.suggest.accept(suggestion_id, valence=valence)

    def reject_suggestion(self, suggestion_id: int) -> None:
        """Reject a suggestion; undoable, remembered, and a negative example for training."""
        self.suggest.reject(suggestion_id)

    def train_suggester(
        self, *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> TrainReport:
        """Retrain the suggestion model from human coding and store it in the project."""
        return self.suggest.train(progress=progress, cancel=cancel)

    def suggester_stale(self) -> bool:
        """True when coding changed since the model was trained (cheap; for background retraining)."""
        return self.suggest.stale()

    def set_suggest_pipeline(self, name: str | None) -> None:
        """Use an installed spaCy pipeline for suggestions (None: blank English). Never downloads."""
        self.suggest.set_pipeline(name)

    def similar(
        self,
        coding_id: int,
        *,
        limit: int = 20,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SimilarTurn]:
        """ "More like this": the participant turns most like coding ``coding_id``, not yet coded with its code."""
        return self.suggest.similar(coding_id, limit=limit, progress=progress, cancel=cancel)

    def evaluate_suggester(
        self,
        *,
        coder: str | None = None,
        folds: int = 5,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Evaluation:
        """Cross-validation by document of the ranker, the keyword rules and a most-frequent baseline."""
        return self.suggest.evaluate(coder=coder, folds=folds, progress=progress, cancel=cancel)

    # --- export ------------------------------------------------------------------------------------
    def export(
        self,
        fmt: str,
        out: str | Path,
        *,
        by: str | None = None,
        coder: str | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        **options: Any,
    ) -> Path:
        """Write an export in a registered format (`evalbench/export/registry.py`) to ``out``; returns its path."""
        from evalbench.export import export

        return export(self, fmt, Path(out), by=by, coder=coder, progress=progress, cancel=cancel, **options)

    def write_export(
        self,
        fmt: str,
        out: str | Path,
        *,
        coder: str | None = None,
        all_coders: bool = False,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        **options: Any,
    ) -> ExportResult:
        """Write an export and return every file written (companion CSV files, figures) and the warnings."""
        from evalbench.export import write_export

        return write_export(
            self, fmt, Path(out), coder=coder, all_coders=all_coders, progress=progress, cancel=cancel, **options
        )

    # --- REFI-QDA: project.refi -------------------------------------------------------------------
    def export_qdpx(
        self,
        out: str | Path,
        *,
        coder: str | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> QdpxExport:
        """Write the project (or one coder's work) as a REFI-QDA .qdpx archive (see :meth:`RefiService.export`)."""
        return self.refi.export(out, coder=coder, progress=progress, cancel=cancel)

    @classmethod
    def from_qdpx(
        cls,
        path: str | Path,
        qdpx: str | Path,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        report: ImportReport | None = None,
    ) -> Project:
        """Create the project ``path`` from a .qdpx and open it (see :meth:`RefiService.create`)."""
        from evalbench.refi.service import RefiService

        return cls.open(RefiService.create(path, qdpx, progress=progress, cancel=cancel, report=report))

    # --- team: project.team ----------------------------------------------------------------------
    def team_coders(self, *, exclude: tuple[str, ...] = ("consensus",)) -> list[str]:
        """Coders with at least one coding, most codings first (the consensus coder left out)."""
        return self.team.coders(exclude=exclude)

    def agreement(self, coders: list[str], *, unit: str = "turn", include_interviewer: bool = False) -> AgreementReport:
        """Intercoder agreement per code and overall (see :meth:`TeamService.agreement`)."""
        return self.team.agreement(coders, unit=unit, include_interviewer=include_interviewer)

    def disagreements(
        self, coders: list[str], *, code: str | None = None, unit: str = "turn", include_interviewer: bool = False
    ) -> list[Disagreement]:
        """The units on which ``coders`` differ (only for ``code`` if given), in document order."""
        return self.team.disagreements(coders, code=code, unit=unit, include_interviewer=include_interviewer)

    def resolve_disagreement(self, d: Disagreement, decision: str, *, consensus_coder: str = "consensus") -> list[int]:
        """Resolve a disagreement into the consensus coder's coding; one undoable action."""
        return self.team.resolve(d, decision, consensus_coder=consensus_coder)

    def adopt_agreed(
        self, coders: list[str], *, include_interviewer: bool = False, consensus_coder: str = "consensus"
    ) -> int:
        """Give the consensus coder every turn × code all ``coders`` applied; one undoable action."""
        return self.team.adopt_agreed(coders, include_interviewer=include_interviewer, consensus_coder=consensus_coder)

    def consensus_decisions(self, consensus_coder: str = "consensus") -> list[ConsensusDecision]:
        """Every decision the consensus coder recorded, oldest first."""
        return self.team.decisions(consensus_coder)

    def merge(
        self, sources: list[str | Path], *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> MergeReport:
        """Bring other projects (.evb) or REFI-QDA exports (.qdpx) into this one (see :mod:`evalbench.team.merge`)."""
        return self.team.merge(sources, progress=progress, cancel=cancel)

    # --- workbench (TUI) support ------------------------------------------------
    def document_progress(self, coder: str | None = None) -> dict[int, tuple[int, int, int, int]]:
        """Per document id: (turns, participant turns, participant turns the coder coded, codings).

        What the documents screen shows for every transcript; aggregated here so
        that opening a 200-document project does not build every Turn object.
        """
        return self.store.documents.progress(coder or self.coder)

    def reading_position(self, document_id: int) -> int | None:
        """Where the current coder left off in a document (a document offset), or None."""
        return self.store.positions.get(self.coder, document_id)

    def set_reading_position(self, document_id: int, offset: int) -> None:
        """Remember where the current coder is in a document; not an undoable change (undo never moves you)."""
        with self.transaction():
            self.store.positions.put(self.coder, document_id, offset)
