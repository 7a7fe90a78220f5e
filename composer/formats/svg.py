"""SVG notation: the piece's MusicXML engraved by verovio (its Python toolkit).

`svg_pages(piece)` gives one SVG string per page, laid out for a web page (about 960 px
wide); `svg_document(piece)` stacks all pages in one standalone SVG file, and
`write_svg(piece, path)` writes it (also reached by `piece.write("x.svg")`).

Microtonal accidentals come through: our MusicXML writes quarter tones as
`quarter-flat`/`quarter-sharp` (and the Turkish and arrow signs for other offsets), which
verovio draws with their SMuFL glyphs (quarter-tone flat = U+E280, quarter-tone sharp =
U+E282, ...). verovio works offline: its music fonts ship inside the wheel and the text
font is embedded in the SVG as a `data:` URI, so nothing is ever fetched. Element ids
come from a fixed seed, so the same piece gives the same bytes.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..score.errors import RenderError
from .musicxml_harmony import without_hidden_degrees

# verovio units: the rendered size in px is the option value * scale / 100.
PAGE_WIDTH_PX = 960
PAGE_HEIGHT_PX = 1200
SCALE = 40
PAGE_GAP_PX = 16
VEROVIO_OPTIONS = {
    "pageWidth": PAGE_WIDTH_PX * 100 // SCALE,
    "pageHeight": PAGE_HEIGHT_PX * 100 // SCALE,
    "scale": SCALE,
    "adjustPageHeight": True,
    "footer": "none",
    "header": "auto",
    "breaks": "auto",
    "xmlIdSeed": 1,              # deterministic ids (otherwise random per run)
    "smuflTextFont": "embedded",  # text glyphs inside the SVG, never a linked font
}

_ROOT_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(?:px)?"[^>]*?\bheight="([\d.]+)(?:px)?"')
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def _toolkit():
    try:
        import verovio  # deferred: verovio loads its fonts; only notation needs it
    except ImportError as exc:  # pragma: no cover - verovio is a dependency of the svg/html formats
        raise RenderError("SVG notation needs the 'verovio' package (pip install verovio)") from exc
    if hasattr(verovio, "enableLog"):
        verovio.enableLog(verovio.LOG_OFF)
    tk = verovio.toolkit()
    tk.setOptions(dict(VEROVIO_OPTIONS))
    return tk


def svg_pages(piece) -> list[str]:
    """The engraved score, one SVG string (an `<svg>` element, no XML declaration) per page."""
    from .musicxml import musicxml_bytes  # deferred: music21 takes about 0.5 s to import

    xml = without_hidden_degrees(musicxml_bytes(piece)).decode("utf-8")
    tk = _toolkit()
    if hasattr(tk, "resetXmlIdSeed"):
        tk.resetXmlIdSeed(VEROVIO_OPTIONS["xmlIdSeed"])
    if not tk.loadData(xml):
        raise RenderError(f"verovio could not read the MusicXML of {piece.title!r}: {tk.getLog().strip()}")
    count = tk.getPageCount()
    if count < 1:
        raise RenderError(f"verovio engraved no page for {piece.title!r}")
    return [_XML_DECL.sub("", tk.renderToSVG(page)) for page in range(1, count + 1)]


def page_size(svg: str) -> tuple[float, float]:
    """(width, height) in px of one verovio page."""
    m = _ROOT_SIZE.search(svg)
    if not m:
        raise RenderError("verovio page without width and height")
    return float(m.group(1)), float(m.group(2))


def svg_document(piece, pages: list[str] | None = None) -> str:
    """All pages stacked top to bottom in one standalone SVG document."""
    pages = svg_pages(piece) if pages is None else pages
    placed, y, width = [], 0.0, 0.0
    for page in pages:
        w, h = page_size(page)
        placed.append(re.sub(r"^<svg\b", f'<svg x="0" y="{y:g}"', page.lstrip(), count=1))
        y += h + PAGE_GAP_PX
        width = max(width, w)
    height = y - PAGE_GAP_PX
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(placed) + "\n</svg>\n")


def write_svg(piece, path) -> str:
    """Write the engraved score (all pages in one SVG) at `path`; returns the path."""
    Path(path).write_text(svg_document(piece), encoding="utf-8")
    return str(path)
