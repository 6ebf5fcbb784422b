"""Which files to import and how to read each one into a :class:`ParsedDocument`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from evalbench.errors import IngestError
from evalbench.ingest.document import Extract, ParsedDocument, build_document
from evalbench.textsafe import clean_text

DEFAULT_MAX_BYTES = 50_000_000
#: Message for a format whose library is an optional extra that is not installed.
OPTIONAL = "reading {ext} files needs {package}: pip install 'evalbench[formats]'"

Reader = Callable[[bytes, str, str | None], Extract]


class NotATranscript(IngestError):
    """A file of a supported type that holds no transcript (a JSON of something else)."""


def _reader(fmt: str) -> Reader:
    """The reader for a format, imported on first use (docx, odfpy, pypdf are heavy)."""
    if fmt in ("txt", "md"):
        from evalbench.ingest.plaintext import read_text as reader
    elif fmt == "docx":
        from evalbench.ingest.word import read_docx as reader
    elif fmt == "vtt":
        from evalbench.ingest.vtt import read_vtt as reader
    elif fmt == "srt":
        from evalbench.ingest.srt import read_srt as reader
    elif fmt == "odt":
        from evalbench.ingest.odt import read_odt as reader
    elif fmt == "rtf":
        from evalbench.ingest.rtf import read_rtf as reader
    elif fmt == "json":
        from evalbench.ingest.jsonfile import read_json as reader
    else:
        from evalbench.ingest.pdf import read_pdf as reader
    return reader


#: File extension -> format name.
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".vtt": "vtt",
    ".srt": "srt",
    ".odt": "odt",
    ".rtf": "rtf",
    ".pdf": "pdf",
    ".json": "json",
}

#: Old or foreign formats with a supported sibling the user can save as.
_RESAVE = {
    ".doc": ".docx",
    ".pages": ".docx",
    ".wpd": ".docx",
    ".sbv": ".srt",
    ".ass": ".srt",
    ".htm": ".txt",
    ".html": ".txt",
}


def format_of(path: str | Path) -> str | None:
    """The format name for a path's extension, or None if unsupported."""
    return FORMATS.get(Path(path).suffix.lower())


def parse_file(path: str | Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Read one transcript file; any problem with the file raises :class:`IngestError`."""
    path = Path(path)
    fmt = format_of(path)
    if fmt is None:
        kinds = ", ".join(sorted({f".{f}" for f in FORMATS.values()}))
        what = f"'{path.suffix}'" if path.suffix else "(no extension)"
        if path.suffix.lower() in _RESAVE:
            raise IngestError(path, f"unsupported file type {what}; save it as {_RESAVE[path.suffix.lower()]} first")
        raise IngestError(path, f"unsupported file type {what}; supported: {kinds}")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IngestError(path, "not a regular file")
        if size > max_bytes:
            raise IngestError(
                path,
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (raise it with --max-size)",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise IngestError(path, "empty file")
    extract = _reader(fmt)(data, str(path), encoding)
    document = build_document(
        # A file name undecodable on this system arrives with surrogates (surrogateescape): make it storable.
        name=clean_text(path.name)[0],
        path=clean_text(str(path))[0],
        fmt=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        preamble=extract.preamble,
        blocks=extract.blocks,
        metadata=extract.metadata,
        legend=extract.legend,
        skipped=extract.skipped,
        replaced=extract.replaced,
    )
    if not document.turns:
        raise IngestError(path, "no transcript text found" if document.text else "empty file")
    return document


#: File names in a folder that are about the folder, not interviews.
_NOT_TRANSCRIPTS = ("readme", "license", "licence", "changelog", "contributing")


def _skipped_in_folder(path: Path, root: Path) -> bool:
    """Hidden files, Word lock files (``~$x.docx``) and README-like files."""
    parts = path.relative_to(root).parts
    return any(p.startswith((".", "~$")) for p in parts) or path.stem.lower() in _NOT_TRANSCRIPTS


def iter_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders recursively (sorted; hidden, lock, README and non-transcript files skipped).

    Files named explicitly are kept whatever their type, so that an unsupported
    one is reported rather than silently ignored.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(
                (p for p in root.rglob("*") if p.is_file() and format_of(p) and not _skipped_in_folder(p, root)),
                key=lambda p: p.relative_to(root).as_posix().lower(),
            )
        else:
            found = [root]
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out
