"""Key bindings as people read them, with the user's keymap applied.

Every binding of the workbench has an id (``coding.next-turn``); the user's
config file may give any id other keys (:mod:`evalbench.tui.settings`), which
Textual applies. The help screen, the key hints and the guide show the keys
*in force*, so this module turns a binding and the keymap into what to print
(``question_mark`` → ``?``, ``ctrl+n`` stays ``ctrl+n``).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.keys import format_key


def display(key: str) -> str:
    """One key as printed: the character it types when it types one, else its name."""
    key = key.strip()
    shown = format_key(key)
    return shown if len(shown) == 1 and shown.isprintable() and shown not in " ⏎⌫" else key


def keys_of(binding: Binding, keymap: dict[str, str]) -> list[str]:
    """The keys that run ``binding``: the keymap's if it rebinds the binding's id, else its own."""
    keys = keymap.get(binding.id) if binding.id else None
    return [k.strip() for k in (keys or binding.key).split(",") if k.strip()]


def shown(binding: Binding, keymap: dict[str, str]) -> str:
    """``'d, delete'``: a binding's keys in force, as printed."""
    return ", ".join(display(k) for k in keys_of(binding, keymap))


def binding_ids(classes: Iterable[type]) -> dict[str, Binding]:
    """Every binding with an id declared by ``classes`` (a screen's or widget's own BINDINGS)."""
    out: dict[str, Binding] = {}
    for cls in classes:
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                out.setdefault(binding.id, binding)
    return out
