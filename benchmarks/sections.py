"""Marked sections of docs/benchmarks.md that one benchmark writes and the others keep:
`<!-- NAME -->` ... `<!-- /NAME -->`."""
from __future__ import annotations

import re
from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name} -->", f"<!-- /{name} -->"


def write_section(path: Path, name: str, text: str) -> None:
    """Replace the section `name` of `path` with `text` (which carries its markers), or add it at the end."""
    start, end = markers(name)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + text + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")


def kept_sections(text: str) -> str:
    """Every marked section of `text`, each with its markers, in order (what a rewrite of the rest keeps)."""
    found = re.findall(r"(<!-- ([a-z_]+) -->.*?<!-- /\2 -->)", text, flags=re.S)
    return "".join("\n" + block + "\n" for block, _name in found)
