"""The HTML report: one self-contained page per piece, for teachers and students.

`html_report(piece)` returns the page and `write_html(piece, path)` writes it (also
reached by `piece.write("x.html")`). Everything is embedded: CSS inline, the engraved
score as inline SVG (verovio, see `formats.svg`), the audio as a `data:audio/wav;base64`
URI, and pictures of the plan as inline SVG (drawn by `formats.plan_svg`):

* `id="form-tree"`: sections as boxes in time order (width proportional to bars),
  phrases under them with their cadences; repeated sections dashed;
* `id="key-path"`: the keys of the piece in order, each modulation's arrow labelled
  with its pivot chord (or, in a modal tradition, the jins or edge it moves by);
* `id="chord-graph"`: the chord graph of the home key's style variant, chords in
  columns by function, the chords and transitions the piece walked highlighted
  (`class="node visited"`, `class="edge walked"`); for a tradition without chord
  progressions (`plan.harmony != "functional"`) `id="mode-scale"` instead: the mode's
  degrees in cents, ascending and descending forms as arrows above and below, the final
  and the emphasised notes marked.

No external URL, no script, and the same piece gives the same bytes. All text is escaped.
"""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from ..plan.explain import explain_text
from .audio import wav_bytes
from .plan_svg import chord_graph_svg, form_tree_svg, home_variant, key_path_svg, mode_scale_svg, style_name, unit_word
from .svg import svg_pages

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f2ee;color:#222}
main{max-width:1000px;margin:0 auto;padding:16px 20px 40px}
h1{margin:8px 0 4px;font-size:1.8em}
h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
h3{font-size:1em;margin:16px 0 6px}
.summary{color:#555;margin:0 0 12px}
.page{background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15);margin:0 0 14px;overflow-x:auto}
.page svg{display:block}
audio{width:100%;max-width:600px}
figure{margin:0 0 14px;background:#fff;padding:8px;box-shadow:0 1px 3px rgba(0,0,0,.1);overflow-x:auto}
figcaption{font-size:.85em;color:#555;margin-top:4px}
pre{background:#fff;padding:12px;font-size:.85em;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere;
box-shadow:0 1px 3px rgba(0,0,0,.1)}
.plan text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
"""


def summary_line(piece) -> str:
    plan = piece.plan
    meter = piece.meter
    if plan is not None and plan.cycle:
        time = f"cycle {plan.cycle} ({meter.numerator} beats, {'+'.join(map(str, meter.grouping))})"
    else:
        time = f"meter {meter}"
    items = [f"key {piece.key}", time, f"tempo {piece.tempo_bpm:g} bpm", f"{piece.bars} {unit_word(plan)}"]
    if plan is not None:
        items.append(f"form {plan.form or '(sections given by the spec)'}")
        if plan.harmony == "functional":
            items.append(f"harmony functional (chord style {style_name(piece)})")
        else:
            items.append(f"harmony {plan.harmony} (no chord progression)")
    return " · ".join(items)


def audio_tag(piece, sample_rate: int = 22050) -> str:
    """An `<audio controls>` element with the piece's WAV inline as a base64 data URI."""
    data = base64.b64encode(wav_bytes(piece, sample_rate=sample_rate)).decode("ascii")
    return f'<audio controls preload="metadata" src="data:audio/wav;base64,{data}"></audio>'


def _score_html(pages: list[str]) -> str:
    return "\n".join(f'<div class="page" id="score-page-{i}">{page.strip()}</div>'
                     for i, page in enumerate(pages, start=1))


def _plan_html(piece) -> str:
    plan = piece.plan
    if plan is None:
        return "<p>(this piece carries no plan)</p>"
    parts = [
        '<h3>Form</h3><figure>' + form_tree_svg(piece)
        + "<figcaption>Sections in time order (width ∝ bars), phrases under them with their cadences; "
          "dashed: a repeated section (hatched: bars kept from the original).</figcaption></figure>",
        '<h3>Keys</h3><figure>' + key_path_svg(piece)
        + "<figcaption>The keys in order; each arrow names the pivot chord (or jins) of the modulation."
          "</figcaption></figure>",
    ]
    if plan.harmony == "functional":
        style, variant = home_variant(piece)
        parts.append(f"<h3>Chord graph ({escape(style.name)}, {escape(variant.variant)})</h3><figure>"
                     + chord_graph_svg(piece)
                     + "<figcaption>The style's chord graph for the home key, chords in columns by function; "
                       "the chords and transitions the piece walked are highlighted.</figcaption></figure>")
    else:
        parts.append(f"<h3>Mode ({escape(str(piece.key))})</h3><figure>" + mode_scale_svg(piece)
                     + "<figcaption>The mode's degrees in cents; the ascending form above, the descending form "
                       "below; the final circled, emphasised notes marked with a diamond.</figcaption></figure>")
    return "\n".join(parts)


def html_report(piece, pages: list[str] | None = None) -> str:
    """The self-contained HTML report of a piece (title, summary, score, audio, plan pictures, explanation)."""
    pages = svg_pages(piece) if pages is None else pages
    title = escape(piece.title)
    return "".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        f'<header><h1>{title}</h1>\n<p class="summary">{escape(summary_line(piece))}</p></header>\n',
        f'<section id="audio"><h2>Listen</h2>\n{audio_tag(piece)}\n</section>\n',
        f'<section id="score"><h2>Score</h2>\n{_score_html(pages)}\n</section>\n',
        f'<section id="plan"><h2>Plan</h2>\n{_plan_html(piece)}\n</section>\n',
        f'<section id="explanation"><h2>Explanation</h2>\n<pre>{escape(explain_text(piece.plan, piece.fill))}'
        '</pre>\n</section>\n',
        "</main>\n</body>\n</html>\n",
    ])


def write_html(piece, path) -> str:
    """Write the HTML report at `path`; returns the path."""
    Path(path).write_text(html_report(piece), encoding="utf-8")
    return str(path)


def repr_html(piece) -> str:
    """A compact HTML view (Jupyter): the title and summary, the first score page and the audio player."""
    pages = svg_pages(piece)
    return (f'<div class="partita-piece" style="background:#fff;color:#222;padding:6px">'
            f'<div style="font-family:sans-serif;margin-bottom:4px"><b>{escape(piece.title)}</b> '
            f'<span style="color:#555">{escape(summary_line(piece))}'
            + (f" · page 1 of {len(pages)}" if len(pages) > 1 else "") + "</span></div>"
            f'<div style="overflow-x:auto">{pages[0].strip()}</div>{audio_tag(piece)}</div>')
