"""Reading and writing .qdpx archives without trusting them.

A .qdpx is a zip that another program (or an attacker) wrote. This Python's
``zipfile`` predates the zip-bomb fix (overlapping members), so every check is
ours: member names may not climb out of the archive (``..``, absolute paths,
drive letters), symlinks, encrypted and duplicate members and members packed
with a method ``zipfile`` cannot unpack are refused, the number of members is
capped, and each member is read through a byte budget (per member and for the
whole archive) that is enforced while decompressing, not taken from sizes the
archive declares. Nothing is ever extracted to disk: the importer reads
members into memory, so there is no target to escape from.

:class:`SafeZip` is the one reader: every failure, whatever ``zipfile``,
``zlib``, ``bz2`` or ``lzma`` raised, is one line naming the archive and the
member.

Writing is deterministic (fixed timestamps and permissions, members in the
order given), streams member by member (:func:`zip_writer`), and is atomic (a
temporary file beside the target, renamed over it only once it is complete).
"""

from __future__ import annotations

import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from evalbench.errors import IngestError

#: Timestamp written on every member so repeated exports are byte-identical.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 16
#: Compression methods this Python's zipfile unpacks (stored, deflate, bzip2, LZMA).
READABLE_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
#: Names of other methods seen in the wild, for the message.
_OTHER_METHODS = {
    9: "Deflate64",
    10: "PKWARE DCL Implode",
    6: "Implode",
    93: "Zstandard",
    95: "XZ",
    96: "JPEG",
    97: "WavPack",
    98: "PPMd",
    99: "AES encryption",
}
#: What reading a damaged member raises, by library.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)


class ArchiveError(IngestError):
    """A .qdpx that is corrupt or hostile; ``str()`` is ``"<file>: <problem>"``."""


@dataclass(frozen=True)
class Limits:
    """Caps applied while reading an archive (bytes are uncompressed)."""

    max_members: int = 20_000
    max_member_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    #: A member this much larger than its compressed form is a bomb, once past ``ratio_floor`` bytes.
    max_ratio: int = 200
    ratio_floor: int = 16 * 1024 * 1024


DEFAULT_LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / 2**20:g} MB"


def check_member_name(name: str) -> str | None:
    """Why a member name is unsafe, or None when it stays inside the archive."""
    if "\x00" in name:
        return "has a NUL byte in its name"
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return "has an absolute path"
    if ".." in PurePosixPath(unified).parts:
        return "climbs out of the archive (.. in its path)"
    return None


class SafeZip:
    """A zip archive opened for careful reading; use as a context manager.

    Opening checks the whole member list up front, so a hostile archive is
    refused before anything of it is read.
    """

    def __init__(self, path: str | Path, *, limits: Limits = DEFAULT_LIMITS, kind: str = ".qdpx") -> None:
        self.path = Path(path)
        self.limits = limits
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ArchiveError(self.path, "no such file") from None
        except IsADirectoryError:
            raise ArchiveError(self.path, f"is a folder, not a {kind} file") from None
        except PermissionError:
            raise ArchiveError(self.path, "cannot be read (permission denied)") from None
        except _DAMAGE:
            raise ArchiveError(
                self.path, f"not a valid {kind} (zip) archive; it is damaged or not a zip file at all"
            ) from None
        try:
            self._infos = self._check_listing(self._zip.infolist())
        except ArchiveError:
            self._zip.close()
            raise
        self._lower: dict[str, str] = {}
        for key in self._infos:
            self._lower.setdefault(key.lower(), key)

    def _fail(self, problem: str) -> ArchiveError:
        return ArchiveError(self.path, problem)

    def _check_listing(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        lim = self.limits
        if len(infos) > lim.max_members:
            raise self._fail(f"holds {len(infos)} members, more than the {lim.max_members} allowed")
        out: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = info.filename
            why = check_member_name(name)
            if why:
                raise self._fail(f"member {name!r} {why}; refusing the archive")
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_ISLNK(mode):
                raise self._fail(f"member {name!r} is a symbolic link; refusing the archive")
            if info.flag_bits & 0x1:
                raise self._fail(f"member {name!r} is encrypted; export the project without a password")
            if info.compress_type not in READABLE_METHODS:
                method = _OTHER_METHODS.get(info.compress_type, f"method {info.compress_type}")
                raise self._fail(
                    f"member {name!r} is packed with {method}, a compression evalbench cannot "
                    "unpack; export it again with ordinary (deflate) compression"
                )
            key = name.replace("\\", "/")
            if key in out:
                raise self._fail(f"member {name!r} appears twice; refusing an ambiguous archive")
            if info.file_size > lim.max_member_bytes:
                raise self._fail(
                    f"member {name!r} unpacks to {_mb(info.file_size)}, over the "
                    f"{_mb(lim.max_member_bytes)} limit (zip bomb?)"
                )
            self._check_ratio(name, info.file_size, info.compress_size)
            declared += info.file_size
            out[key] = info
        if declared > lim.max_total_bytes:
            raise self._fail(f"unpacks to {_mb(declared)}, over the {_mb(lim.max_total_bytes)} limit (zip bomb?)")
        self._check_overlap(infos)
        return out

    def _check_ratio(self, name: str, size: int, packed: int) -> None:
        lim = self.limits
        if size > lim.ratio_floor and size > lim.max_ratio * max(packed, 1):
            raise self._fail(
                f"member {name!r} expands {size // max(packed, 1)}-fold "
                f"(more than {lim.max_ratio}x); refusing a likely zip bomb"
            )

    def _check_overlap(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse members whose data overlap: the trick behind non-recursive zip bombs."""
        spans = sorted(
            (
                i.header_offset,
                i.header_offset + 30 + len(i.orig_filename.encode("utf-8", "replace")) + i.compress_size,
                i.filename,
            )
            for i in infos
        )
        for (_, end, name), (start, _, other) in zip(spans, spans[1:]):
            if start < end:
                raise self._fail(f"members {name!r} and {other!r} overlap; refusing a likely zip bomb")

    # --- reading ----------------------------------------------------------
    def names(self) -> list[str]:
        """Member names with ``/`` separators, in archive order (folders included)."""
        return list(self._infos)

    def find(self, name: str) -> str | None:
        """The stored name matching ``name`` (exactly, else ignoring case), or None."""
        key = name.replace("\\", "/").lstrip("/")
        if key in self._infos:
            return key
        return self._lower.get(key.lower())

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        """A member's bytes, decompressed under the per-member and total budgets."""
        key = self.find(name)
        if key is None:
            raise self._fail(f"no member {name!r} inside")
        info = self._infos[key]
        cap = min(max_bytes or self.limits.max_member_bytes, self.limits.max_member_bytes)
        budget = self.limits.max_total_bytes - self._read_total
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap:
                        raise self._fail(f"member {key!r} unpacks to more than {_mb(cap)} (zip bomb?); refusing")
                    if size > budget:
                        raise self._fail(
                            f"unpacks to more than {_mb(self.limits.max_total_bytes)} in all (zip bomb?); refusing"
                        )
                    self._check_ratio(key, size, info.compress_size)
                    chunks.append(chunk)
        except _DAMAGE as exc:
            raise self._fail(f"member {key!r} is corrupt: {_damage(exc)}") from None
        self._read_total += size
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def project_xml_member(zf: SafeZip) -> str | None:
    """The member holding a .qdpx's project XML: ``project.qde``, else a lone top-level ``.qde``."""
    return zf.find("project.qde") or next((n for n in zf.names() if n.lower().endswith(".qde") and "/" not in n), None)


def _damage(exc: BaseException) -> str:
    """What a failure to unpack a member means, in words (no exception class names)."""
    text = str(exc).lower()
    if "crc" in text:
        return "its checksum does not match (the file was changed or cut short)"
    if isinstance(exc, EOFError) or "truncated" in text or "end of stream" in text or "ended" in text:
        return "it is cut short"
    if isinstance(exc, RuntimeError) and ("password" in text or "encrypted" in text):
        return "it is encrypted"
    if isinstance(exc, zipfile.BadZipFile | struct.error):
        return "its entry in the archive does not match the archive's index"
    return "its compressed data cannot be unpacked"


class ZipWriter:
    """Deterministic members for an archive being written: fixed time, mode and deflate level."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        # what writestr(compresslevel=1) sets; open("w") has no argument for it (public as compress_level only
        # from Python 3.13, so typeshed does not know this 3.11 attribute)
        info._compresslevel = 1  # type: ignore[attr-defined]
        info.create_system = 3
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        return info

    def member(self, name: str) -> IO[bytes]:
        """A file object to stream one member into (close it, or use ``with``, before the next)."""
        return self._zf.open(self._info(name), "w")

    def add(self, name: str, data: bytes) -> None:
        """Write a whole member at once."""
        self._zf.writestr(self._info(name), data)


@contextmanager
def zip_writer(path: str | Path) -> Iterator[ZipWriter]:
    """Write a zip at ``path`` member by member, atomically.

    Through :func:`evalbench.safewrite.replacing`: the archive goes to a
    temporary file beside ``path`` and is renamed over it only when the
    ``with`` block ends normally; on any exception (including a cancelled
    export) the temporary file is removed and ``path`` is untouched. Parts
    left by an export killed earlier are removed, and the archive gets the
    user's ordinary file permissions.
    """
    from evalbench.safewrite import replacing

    path = Path(path)
    if not path.parent.exists():
        raise IngestError(path, f"folder {path.parent} does not exist")
    with replacing(path) as raw, zipfile.ZipFile(raw, "w") as zf:
        yield ZipWriter(zf)
