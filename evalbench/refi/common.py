"""Names shared by the .qdpx writer and reader: namespace, GUIDs, valence codes, extension file."""

from __future__ import annotations

import hashlib

from evalbench.codebook.refi import EVALBENCH_NS, PROJECT_NS

__all__ = ["EXTENSION_MEMBER", "PROJECT_NS", "VALENCE_CODES", "VALENCE_GROUP", "guid", "norm_guid"]

#: Archive member holding what REFI-QDA has no place for (turns, origins, memo targets).
EXTENSION_MEMBER = "evalbench.json"
EXTENSION_FORMAT = "evalbench-qdpx-extension"


_NS_BYTES = EVALBENCH_NS.bytes


def guid(kind: str, key: str) -> str:
    """A deterministic GUID for an exported object: uuid5 of its kind and stable key.

    Same value as ``str(uuid.uuid5(EVALBENCH_NS, f"{kind}:{key}"))``, computed
    without building UUID objects (an export makes one per coding and more).
    """
    h = bytearray(hashlib.sha1(_NS_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def norm_guid(value: str | None) -> str:
    """A GUID as written by any tool (upper case, braces) in one comparable form."""
    return (value or "").strip().strip("{}").lower()


#: The code group that carries valence in other tools, and its child per valence.
VALENCE_GROUP = guid("valence", "group")
#: valence -> (GUID, code name, colour).
VALENCE_CODES = {
    "barrier": (guid("valence", "barrier"), "Barrier", "#C0392B"),
    "facilitator": (guid("valence", "facilitator"), "Facilitator", "#27AE60"),
    "mixed": (guid("valence", "mixed"), "Mixed", "#8E44AD"),
    "neutral": (guid("valence", "neutral"), "Neutral", "#7F8C8D"),
}
VALENCE_BY_GUID = {g: v for v, (g, _, _) in VALENCE_CODES.items()}
