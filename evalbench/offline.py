"""Keeping dependencies from creating network sockets: spaCy without its command line.

``import spacy`` runs ``spacy/__init__.py``, which imports ``spacy.cli.info``
and with it the whole ``spacy.cli`` package, including ``spacy.cli.download``
-> ``requests`` -> ``urllib3``, whose import probes for IPv6 by creating an
``AF_INET6`` socket and binding it to ``::1``. Nothing connects, but
evalbench promises no socket at all (transcripts hold health information, and
some research servers log or forbid any socket).

spaCy's own code outside ``spacy/cli`` never imports ``spacy.cli``; only the
``info`` name re-exported by ``spacy/__init__.py`` does. So before spaCy is
first imported, :func:`spacy_without_cli` registers a stand-in ``spacy.cli``
package (whose submodules still load from spaCy's real folder if something
asks for one by name) and a stand-in ``spacy.cli.info`` holding an ``info``
that explains itself. Everything evalbench uses -- ``spacy.blank``,
``spacy.load``, matchers, ``textcat_multilabel`` training -- works as before,
and importing spaCy got faster (no typer, weasel or requests).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from typing import Any


class _StandIn(types.ModuleType):
    """A module of spaCy's made here instead of imported; the flag tells a later call the stand-ins are in place."""

    __evalbench_stand_in__ = True
    info: Any  # spacy.cli.info on the package, the function on that module


def _info(*args, **kwargs):
    raise RuntimeError(
        "spaCy's command line is not loaded inside evalbench (its download command opens "
        "sockets); run `python -m spacy info` in a shell instead"
    )


def spacy_without_cli() -> bool:
    """Make a later ``import spacy`` skip ``spacy.cli``; True when the stand-ins are in place.

    Does nothing (False) when spaCy is already imported or not installed.
    Cheap: spaCy itself is not imported here.
    """
    if "spacy.cli" in sys.modules:
        return getattr(sys.modules["spacy.cli"], "__evalbench_stand_in__", False)
    if "spacy" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec("spacy")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    cli = _StandIn("spacy.cli", "Stand-in for spaCy's command line (see evalbench.offline).")
    cli.__path__ = [os.path.join(next(iter(spec.submodule_search_locations)), "cli")]
    info = _StandIn("spacy.cli.info", "Stand-in: spaCy's info command is not loaded.")
    info.info = _info
    cli.info = info
    sys.modules["spacy.cli"] = cli
    sys.modules["spacy.cli.info"] = info
    return True
