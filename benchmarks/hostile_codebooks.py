"""Hostile codebook files for the campaign (see ``benchmarks/hostile_campaign.py``).

Deep nesting in block and flow YAML and in JSON, alias bombs, long parent
chains with and without a cycle, escaped surrogates, numbers of thousands of
digits, YAML tags (dates, sets, binary, Python objects), .qdc files with
hostile JSON in their descriptions, and CFIR 2.0 with random edits; each run
through one of the codebook commands.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from benchmarks.hostile_gen import NASTY_TEXT, Case, file_name, nasty


def _deep_yaml(rng, depth: int) -> str:
    if rng.random() < 0.5:  # block style
        lines = ["evalbench_codebook: 1", "codes:", "- id: a", "  name: A", "  extra:"]
        for i in range(depth):
            lines.append("    " + "  " * i + f"k{i}:")
        lines.append("    " + "  " * depth + "v")
        return "\n".join(lines) + "\n"
    return "evalbench_codebook: 1\ncodes:\n- id: a\n  name: A\n  extra: {x: " + "[" * depth + "1" + "]" * depth + "}\n"


def _alias_bomb(rng) -> str:
    width, levels = rng.choice([(10, 8), (30, 5), (2000, 2)])
    rows = [
        "evalbench_codebook: 1",
        "codes:",
        "- id: a",
        "  name: A",
        "  definition: &d " + "w" * 1000,
        "  extra:",
        "    l0: &l0 [" + ", ".join(["*d"] * width) + "]",
    ]
    for i in range(1, levels):
        rows.append(f"    l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    for i in range(rng.choice([0, 2000])):  # many codes reusing the long definition
        rows += [f"- id: c{i}", f"  name: C{i}", "  definition: *d"]
    return "\n".join(rows) + "\n"


def _chain(rng, n: int, fmt: str) -> str:
    codes = [{"id": "c0", "name": "C0"}] + [
        {"id": f"c{i}", "name": f"C{i}", "parent": f"c{i - 1}"} for i in range(1, n)
    ]
    if rng.random() < 0.3:
        codes[0]["parent"] = f"c{n - 1}"  # a long cycle
    data = {"evalbench_codebook": 1, "codes": codes}
    return (
        json.dumps(data)
        if fmt == "json"
        else "\n".join(
            ["evalbench_codebook: 1", "codes:"]
            + [
                f"- {{id: {c['id']}, name: {c['name']}" + (f", parent: {c['parent']}" if "parent" in c else "") + "}"
                for c in codes
            ]
        )
        + "\n"
    )


def _mutated_template(rng, text: str) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(lines))
        how = rng.random()
        if how < 0.3:
            lines[i] = lines[i] + " " + rng.choice(NASTY_TEXT[:-3]).replace("\x00", "")
        elif how < 0.5:
            del lines[i]
        elif how < 0.7:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif how < 0.85:
            lines[i] = lines[i].replace(": ", ': "\\ud83d\\ude00 \\ud800" # ', 1)
        else:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
    return "\n".join(lines) + "\n"


def codebook_text(rng: random.Random, ctx) -> tuple[str, str]:
    """(suffix, text) of a hostile codebook file."""
    kind = rng.random()
    if kind < 0.15:
        return ".yaml", _deep_yaml(rng, rng.choice([60, 65, 500, 1000]))
    if kind < 0.25:
        depth = rng.choice([60, 70, 1000, 100_000])
        return ".json", (
            '{"evalbench_codebook": 1, "codes": [{"id": "a", "name": "A", "extra": {"x": '
            + "[" * depth
            + "]" * depth
            + "}}]}"
        )
    if kind < 0.35:
        return ".yaml", _alias_bomb(rng)
    if kind < 0.45:
        fmt = rng.choice(["json", "yaml"])
        return "." + fmt, _chain(rng, rng.choice([60, 70, 1100, 3000]), fmt)
    if kind < 0.55:
        value = rng.choice(
            [
                '"\\ud800"',
                '"\\ud83d\\ude00"',
                '"\\udfff x \\ud83d"',
                "1" + "0" * 5000,
                "2024-01-01",
                "!!set {a, b}",
                "!!binary aGVsbG8=",
                ".nan",
                "!!timestamp 2024-99-99",
                "!!python/object:os.system {}",
                "!!int 0x" + "f" * 5000,
                '"\\x1b[31mred"',
            ]
        )
        where = rng.choice(["name", "definition", "extra", "keywords", "id"])
        code = {
            "name": f"- id: b\n  name: {value}",
            "definition": f"- id: b\n  name: B\n  definition: {value}",
            "extra": f"- id: b\n  name: B\n  extra: {{x: {value}}}",
            "keywords": f"- id: b\n  name: B\n  keywords: [k, {value}]",
            "id": f"- id: {value}\n  name: B",
        }[where]
        return ".yaml", f"evalbench_codebook: 1\ncodes:\n- id: a\n  name: A\n{code}\n"
    if kind < 0.65:
        escapes = rng.choice(['"\\ud800"', '"\\ud83d\\ude00"', "1" + "0" * 5000, '"' + "x" * 200_000 + '"'])
        return ".json", (
            '{"evalbench_codebook": 1, "codes": [{"id": "a", "name": '
            + escapes
            + ', "extra": {"k": '
            + escapes
            + "}}]}"
        )
    if kind < 0.8:
        return ".qdc", _qdc(rng)
    return ".yaml", _mutated_template(rng, ctx.cfir2_yaml)


def _qdc(rng: random.Random) -> str:
    payload = rng.choice(
        [
            "[" * rng.choice([70, 5000]) + "]" * 10,
            json.dumps({"id": "x.y", "definition": "d", "extra": {"k": "\ud800"}}, ensure_ascii=True),
            '{"id": "x.y", "definition": "\\ud83d\\ude00 \\udfff", "keywords": ["\\ud800"]}',
            '{"id": "x.y", "extra": ' + '{"a": ' * 100 + "1" + "}" * 100 + "}",
            '{"id": "x.y", "n": 1' + "0" * 5000 + "}",
            '{"id": "x.y", "extra": {"a": &x}}',
        ]
    )
    name = rng.choice(["Code", nasty(rng, 1).replace("\x00", "").replace("\ud800", "").replace("\udfff", "")])
    from xml.sax.saxutils import escape, quoteattr

    desc = escape("Some definition.\n[evalbench] " + payload)
    nested = "".join(
        f'<Code guid="00000000-0000-0000-0000-{i:012d}" name="n{i}" isCodable="true">'
        for i in range(rng.choice([1, 2, 70, 400]))
    )
    closes = "</Code>" * nested.count("<Code ")
    return (
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="00000000-0000-0000-0000-00000000abcd" name={quoteattr(name)} isCodable="true">'
        f"<Description>{desc}</Description></Code>{nested}{closes}</Codes></CodeBook>"
    )


def gen_codebook(rng: random.Random, work: Path, ctx) -> Case:
    suffix, text = codebook_text(rng, ctx)
    path = work / file_name(rng, "codebook", suffix)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    action = rng.choice(["validate", "init", "export", "export", "diff", "list", "merge", "pull"])
    if action == "merge":
        out = work / "merged.yaml"
        others = [str(path), str(ctx.cfir2_path)]
        return Case(
            "codebooks",
            suffix + " merge",
            ["codebook", "merge", rng.choice(others), rng.choice(others), str(path), "-o", str(out)],
            [out],
        )
    if action == "pull":
        project = ctx.copy_project(work)
        return Case("codebooks", suffix + " pull", ["codebook", "pull", str(project), str(path)], watch=[project])
    if action == "validate":
        return Case("codebooks", suffix + " validate", ["codebook", "validate", str(path)])
    if action == "init":
        project = work / "fresh.evb"
        return Case("codebooks", suffix + " init", ["init", str(project), "--codebook", str(path)], [project])
    if action == "export":
        out = work / ("out." + rng.choice(["yaml", "json", "qdc", "md", "docx"]))
        return Case("codebooks", suffix + " export", ["codebook", "export", str(path), "-o", str(out)], [out])
    if action == "diff":
        return Case("codebooks", suffix + " diff", ["codebook", "diff", str(path), "cfir2"])
    return Case("codebooks", suffix + " list", ["codebook", "list", str(path)])
