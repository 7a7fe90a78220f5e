"""Lessons: a spec plus a page of text each, built into one HTML page per lesson.

`examples/lessons/<name>.yaml` (`composer/lesson_pages`, shipped with the package) is composed;
`<name>.md` is the lesson's text (a small, safe subset of Markdown: headings, paragraphs, lists,
**bold**, *italics*, `code`). The page is the text followed by the piece's report: score, audio, plan pictures, explanation.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from .compose import compose
from .formats.html import html_report
from .score.errors import ComposerError
from .score.files import atomic_write_text

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*([^*]+)\*"), r"<em>\1</em>"),
]


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def markdown_to_html(text: str) -> str:
    """Headings (#), paragraphs, bullet (-) and numbered (1.) lists, bold, italics, code."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = None

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = None

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        bullet = re.match(r"^\s*[-*]\s+(.*)$", line)
        numbered = re.match(r"^\s*\d+\.\s+(.*)$", line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = len(heading.group(1)) + 1
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))
        elif items and raw.startswith("  "):
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return "\n".join(blocks)


def lesson_page(spec_path: Path, text_path: Path, seed: int | None = None) -> str:
    """The lesson's HTML page: its text, then the composed piece's report."""
    piece = compose(spec_path, seed=seed)
    report = html_report(piece)
    lesson = (f'<style>{LESSON_CSS}</style><section id="lesson" class="lesson">'
              f'{markdown_to_html(text_path.read_text(encoding="utf-8"))}</section>')
    match = re.search(r"<main[^>]*>", report) or re.search(r"<body[^>]*>", report)
    if not match:
        raise ComposerError("the report has no <main> or <body> to put the lesson in")
    return report[:match.end()] + "\n" + lesson + "\n" + report[match.end():]


LESSON_CSS = (".lesson{background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15);padding:4px 22px 12px;"
              "margin:12px 0 20px;line-height:1.5}.lesson h2{border:none;font-size:1.5em}"
              ".lesson code{background:#f0eee8;padding:0 3px}")


SHIPPED_LESSONS = Path(__file__).resolve().parent / "lesson_pages"   # examples/lessons in the checkout


def build_lessons(folder: str | Path | None, out: str | Path, force: bool = False) -> list[str]:
    """Build every lesson in `folder` (pairs of NAME.yaml and NAME.md; None: the lessons shipped with
    partita, wherever it is run from) into OUT/NAME.html."""
    folder, out = Path(folder) if folder is not None else SHIPPED_LESSONS, Path(out)
    specs = sorted(folder.glob("*.yaml"))
    if not specs:
        raise ComposerError(f"{folder}: no lessons (NAME.yaml with NAME.md) found")
    written = []
    for spec in specs:
        text = spec.with_suffix(".md")
        if not text.is_file():
            raise ComposerError(f"{spec}: the lesson has no page of text ({text.name})")
        written.append(atomic_write_text(out / f"{spec.stem}.html", lesson_page(spec, text), force=force))
    return written
