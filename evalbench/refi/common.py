"""Names shared by the .qdpx writer and reader: namespace, GUIDs, valence codes, extension file."""

from __future__ import annotations

import uuid

from evalbench.codebook.refi import EVALBENCH_NS, PROJECT_NS

__all__ = ["EXTENSION_MEMBER", "PROJECT_NS", "VALENCE_CODES", "VALENCE_GROUP", "guid", "norm_guid"]

#: Archive member holding what REFI-QDA has no place for (turns, origins, memo targets).
EXTENSION_MEMBER = "evalbench.json"
EXTENSION_FORMAT = "evalbench-qdpx-extension"


def guid(kind: str, key: str) -> str:
    """A deterministic GUID for an exported object: uuid5 of its kind and stable key."""
    return str(uuid.uuid5(EVALBENCH_NS, f"{kind}:{key}"))


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
