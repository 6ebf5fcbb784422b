"""The workbench's settings: the user's config file (keys, theme) and what the workbench remembers.

``$XDG_CONFIG_HOME/evalbench/config.toml`` (``~/.config/evalbench/config.toml``)
is the user's own file; evalbench reads it and never writes it::

    theme = "textual-light"     # any theme the palette's "Theme" lists; default: follow the terminal
    margin = false              # start with the coding-stripes margin hidden

    [keymap]                    # binding id = key(s), comma-separated (see the help screen, ?)
    "coding.next-turn" = "j,down"
    "coding.code" = "c"

A ``[keymap.coding]`` table with ``next-turn = "j"`` works the same. What the
user changes inside the workbench (a theme chosen in the palette, the margin
toggled) is remembered in ``$XDG_DATA_HOME/evalbench/workbench.json``; the
config file wins over it. A mistake in the config file never stops the
workbench: it starts with the defaults and says what was wrong.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "evalbench" / "config.toml"


def config_path_shown() -> str:
    """Where the config file is, as a person would type it (``~/.config/evalbench/config.toml``)."""
    if os.environ.get("XDG_CONFIG_HOME"):
        return "$XDG_CONFIG_HOME/evalbench/config.toml"
    return "~/.config/evalbench/config.toml"


def state_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "evalbench" / "workbench.json"


@dataclass
class Settings:
    """What the workbench starts with."""

    keymap: dict[str, str] = field(default_factory=dict)  #: binding id -> keys, as the user wrote them
    theme: str | None = None  #: a Textual theme name; None follows the terminal's light or dark
    margin: bool = True  #: the coding view's coding-stripes margin
    problems: list[str] = field(default_factory=list)  #: what was wrong in the config file, one line each


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


def read_config(path: Path | None = None) -> tuple[dict, list[str]]:
    """The config file's tables and any problem reading it (a missing file is no problem)."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path}: {' '.join(str(exc).split())} — using the default keys and theme"]
    return data, []


def read_state() -> dict:
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(**values) -> None:
    """Remember choices made in the workbench (theme, margin) for next time; never fails the UI."""
    path = state_path()
    data = {**read_state(), **values}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass


def load(known_ids: set[str] | None = None) -> Settings:
    """The settings in force: the config file over what was remembered over the defaults.

    ``known_ids`` are the binding ids that exist; a keymap entry for any other
    id is reported (a typo would otherwise silently do nothing).
    """
    path = config_path()
    config, problems = read_config(path)
    state = read_state()
    settings = Settings(problems=problems)
    keymap = config.get("keymap", {})
    if not isinstance(keymap, dict):
        settings.problems.append(f'{path}: [keymap] must be a table of binding id = "keys"')
        keymap = {}
    for binding_id, keys in _flatten(keymap).items():
        if not isinstance(keys, str) or not keys.strip():
            settings.problems.append(f'{path}: keymap {binding_id!r} must be keys in quotes, e.g. "j,down"')
        elif known_ids is not None and binding_id not in known_ids:
            settings.problems.append(f"{path}: keymap: no key binding {binding_id!r} (the help screen, ?, lists them)")
        else:
            settings.keymap[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    theme = config.get("theme", state.get("theme"))
    settings.theme = theme if isinstance(theme, str) and theme else None
    margin = config.get("margin", state.get("margin", True))
    settings.margin = margin if isinstance(margin, bool) else True
    return settings


def terminal_is_light(environ: dict[str, str] | None = None) -> bool | None:
    """Whether the terminal has a light background, where it says so; None when it does not.

    Terminals such as rxvt, Konsole and many others set ``COLORFGBG`` to
    "foreground;background" colour numbers (``15;0`` light text on black);
    background 7 or 9–15 is light. ``EVALBENCH_THEME=light|dark`` overrides it
    for terminals that do not say.
    """
    env = os.environ if environ is None else environ
    wanted = env.get("EVALBENCH_THEME", "").strip().lower()
    if wanted in ("light", "dark"):
        return wanted == "light"
    fgbg = env.get("COLORFGBG", "")
    if fgbg:
        last = fgbg.split(";")[-1]
        if last.isdigit():
            return int(last) == 7 or 9 <= int(last) <= 15
    return None
