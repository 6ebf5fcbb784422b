"""Safe opening of zip-based documents (.docx, .odt).

This Python's ``zipfile`` predates the zip-bomb fix, so members are checked
against size caps before any library reads them. Encrypted Word files and old
``.doc`` files are OLE2 compound files, not zips: they get their own message.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from evalbench.errors import IngestError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Uncompressed size allowed for all members together, and the worst ratio.
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200


def open_zip(data: bytes, path: str, kind: str, required: str | tuple[str, ...]) -> zipfile.ZipFile:
    """Open ``data`` as a zip holding ``required`` (or one of several), or raise a one-line IngestError."""
    required = (required,) if isinstance(required, str) else required
    if data.startswith(OLE2_MAGIC[:4]):
        raise IngestError(
            path,
            f"password-protected or old-format {kind} file (OLE2 container); "
            f"remove the password or save it as {kind_ext(kind)} and import again",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(path, f"corrupt {kind} file (not a valid zip package)") from None
    names = {info.filename for info in infos}
    if not names.intersection(required):
        raise IngestError(path, f"corrupt {kind} file (no {required[0]} inside)")
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if total > MAX_UNPACKED or total / packed > MAX_RATIO and total > 50 * 1024 * 1024:
        raise IngestError(path, f"{kind} file unpacks to {total // 2**20} MB; refusing (zip bomb?)")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, path: str, kind: str) -> bytes:
    """A member's bytes, read through a size cap; a damaged member is a one-line IngestError."""
    try:
        with archive.open(name) as fh:
            data = fh.read(MAX_UNPACKED + 1)
    except KeyError:
        raise IngestError(path, f"corrupt {kind} file (no {name} inside)") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise IngestError(path, f"corrupt {kind} file ({name} cannot be unpacked)") from None
    if len(data) > MAX_UNPACKED:
        raise IngestError(path, f"{kind} file unpacks to more than {MAX_UNPACKED // 2**20} MB; refusing (zip bomb?)")
    return data


def kind_ext(kind: str) -> str:
    """The file extension users save a format as."""
    return {"Word": ".docx", "OpenDocument": ".odt"}.get(kind, kind)
