"""SVG notation (verovio), the self-contained HTML report and the Jupyter view."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from composer import compose
from composer.formats.html import html_report, repr_html
from composer.formats.svg import svg_document, svg_pages
from composer.formats.write import WRITERS
from composer.grammar.chords import load_chord_style, variant_for_key

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# SMuFL code points verovio draws for quarter-tone accidentals (Stein-Zimmermann and arrows).
QUARTER_TONE_GLYPHS = {"E280", "E281", "E282", "E283", "E27A", "E27B", "E274", "E275", "E278", "E279"}


@pytest.fixture(scope="module")
def minuet():
    return compose(str(ROOT / "examples/minuet_in_g.yaml"), seed=7)


@pytest.fixture(scope="module")
def maqam():
    return compose(str(ROOT / "examples/maqam_rast_maqsum.yaml"))


@pytest.fixture(scope="module")
def minuet_pages(minuet):
    return svg_pages(minuet)


@pytest.fixture(scope="module")
def minuet_report(minuet, minuet_pages):
    return html_report(minuet, pages=minuet_pages)


@pytest.fixture(scope="module")
def maqam_report(maqam):
    return html_report(maqam)


def _without_namespaces(text: str) -> str:
    return re.sub(r'\sxmlns(?::[\w-]+)?="[^"]*"', "", text)


# --- SVG ------------------------------------------------------------------------------------------

def test_svg_document_has_notes(minuet, minuet_pages):
    doc = svg_document(minuet, minuet_pages)
    assert doc.startswith("<?xml") and doc.rstrip().endswith("</svg>")
    assert doc.count("<svg") == 1 + 2 * len(minuet_pages)  # outer + each page (its root and its scale box)
    assert 'class="note"' in doc
    assert re.search(r'xlink:href="#E0A4-', doc)  # a black notehead glyph (SMuFL U+E0A4)
    assert "http" not in _without_namespaces(doc)  # no linked font or image


def test_svg_is_deterministic(minuet, minuet_pages):
    assert svg_pages(minuet) == minuet_pages


def test_maqam_svg_shows_quarter_tones(maqam):
    doc = svg_document(maqam)
    accid_glyphs = set(re.findall(r'class="accid"[^>]*>\s*<use xlink:href="#(E[0-9A-F]{3})-', doc))
    assert accid_glyphs & QUARTER_TONE_GLYPHS, f"no quarter-tone accidental among {sorted(accid_glyphs)}"
    assert "E280" in accid_glyphs  # the half-flat (quarter-tone flat) of Rast's third and seventh


def test_write_svg_and_html_by_extension(minuet, tmp_path, monkeypatch):
    assert ".svg" in WRITERS and ".html" in WRITERS
    out = minuet.write(tmp_path / "m.svg")
    assert Path(out).read_text(encoding="utf-8").startswith("<?xml")
    import composer.formats.html as audio  # the report embeds the WAV that wav_bytes makes

    monkeypatch.setattr(audio, "wav_bytes", lambda piece, sample_rate=22050: _silent_wav(sample_rate))
    out = minuet.write(tmp_path / "m.html")
    assert Path(out).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _silent_wav(rate: int) -> bytes:
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * 100)
    return buf.getvalue()


# --- HTML report ----------------------------------------------------------------------------------

def test_report_contents(minuet, minuet_pages, minuet_report):
    html = minuet_report
    assert html.startswith("<!DOCTYPE html>")
    assert f"<h1>{minuet.title}</h1>" in html
    assert "G major" in html and "3/4" in html and "112 bpm" in html and "20 bars" in html
    assert "rounded_binary" in html and "functional" in html
    for page in minuet_pages:
        assert page.strip() in html
    audios = re.findall(r'<audio\b[^>]*\bsrc="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', html)
    assert html.count("<audio") == 1 and len(audios) == 1
    wav = base64.b64decode(audios[0])
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and len(wav) > 10000
    for svg_id in ("form-tree", "key-path", "chord-graph"):
        assert f'id="{svg_id}"' in html
    assert 'id="mode-scale"' not in html
    assert "<pre>" in html and "section A (statement)" in html and "half cadence" in html
    assert html.count('class="section repeat"') == 1  # A' repeats A
    assert html.count('class="phrase"') == len(minuet.plan.phrases)
    assert "pivot G: I → IV" in html


def test_report_highlights_the_walked_path(minuet, minuet_report):
    variant = variant_for_key(load_chord_style(minuet.spec.style), minuet.key)
    graph = variant.digraph()
    chords = minuet.chords
    taken = {(a.roman, b.roman) for a, b in zip(chords, chords[1:])
             if a.key == b.key and variant_for_key(load_chord_style(minuet.spec.style), a.key).variant
             == variant.variant and graph.has_edge(a.roman, b.roman)}
    assert taken
    chord_graph = minuet_report[minuet_report.index('id="chord-graph"'):]
    chord_graph = chord_graph[:chord_graph.index("</svg>")]
    walked = set(re.findall(r'<path class="edge walked" data-from="([^"]*)" data-to="([^"]*)"', chord_graph))
    assert chord_graph.count('class="edge walked"') == len(taken)
    assert walked == taken
    assert chord_graph.count('class="edge') == graph.number_of_edges()
    visited = set(re.findall(r'<g class="node visited" data-chord="([^"]*)"', chord_graph))
    assert visited == {c.roman for c in chords if c.roman in graph and
                       variant_for_key(load_chord_style(minuet.spec.style), c.key).variant == variant.variant}


def test_report_is_self_contained(minuet_report, maqam_report):
    for html in (minuet_report, maqam_report):
        bare = _without_namespaces(html)
        assert "http://" not in bare and "https://" not in bare
        assert "<script src" not in html.lower() and "<link" not in html.lower()
        assert re.search(r'\b(src|href)="(?!data:|#)', bare) is None  # only data URIs and fragment links


def test_report_is_deterministic(minuet, minuet_pages, minuet_report):
    assert html_report(minuet, pages=minuet_pages) == minuet_report


def test_report_escapes_text(minuet, minuet_pages, monkeypatch):
    monkeypatch.setattr(minuet, "title", "Menuet <b>&</b>")
    html = html_report(minuet, pages=minuet_pages)
    assert "<h1>Menuet &lt;b&gt;&amp;&lt;/b&gt;</h1>" in html and "<b>&</b>" not in html


def test_modal_report_draws_the_scale(maqam, maqam_report):
    html = maqam_report
    assert 'id="form-tree"' in html and 'id="key-path"' in html and 'id="mode-scale"' in html
    assert 'id="chord-graph"' not in html
    assert "harmony drone" in html and "cycle maqsum" in html
    scale = html[html.index('id="mode-scale"'):]
    scale = scale[:scale.index("</svg>")]
    assert 'class="degree final' in scale and "emphasis" in scale
    assert 'class="ascending"' in scale and 'class="descending"' in scale
    assert "3-" in scale and "350" in scale  # the neutral third, in cents
    assert re.search(r"via \w+ on \d", html)  # the modulation's jins ("via bayati on 2")


# --- Jupyter --------------------------------------------------------------------------------------

def test_repr_html(minuet):
    html = minuet._repr_html_()
    assert "<svg" in html and "<audio" in html and "data:audio/wav;base64," in html
    assert repr_html is not None and len(html) < len(svg_document(minuet)) + 3_000_000


# --- in a real browser ----------------------------------------------------------------------------

def _png_pixels_vary(data: bytes) -> bool:
    """Decode a PNG's image data (zlib) and say whether it holds more than one colour."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, colour = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4, 0: 1, 4: 2}.get(colour, 4)
    stride = 1 + width * channels
    assert len(raw) == stride * height
    # A one-colour image filters to zeros after each row's first pixel (sub, up, average, paeth; the
    # first row skipped), and rows left unfiltered hold one pixel value.
    distinct = set()
    for row in range(1, height, 7):
        line = raw[row * stride:(row + 1) * stride]
        if line[0] == 0:
            distinct.update(line[1:].hex(" ", channels).split()[:: max(1, width // 64)])
        elif any(line[1 + channels:]):
            return True
    return len(distinct) > 1


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", '--host-resolver-rules=MAP * ~NOTFOUND', *args]
    return subprocess.run(cmd, capture_output=True, timeout=60, env={**os.environ, "HOME": str(tmp)})


def _page_requests(net_log: Path) -> list[str]:
    """URLs requested on behalf of a page (the browser's own background requests have no origin)."""
    text = net_log.read_text(encoding="utf-8", errors="replace").rstrip()
    if not text.endswith("}"):  # a log cut short at exit: close the events list
        text = text.rstrip(",\n") + "]}"
    log = json.loads(text)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            if params.get("initiator") != "not an origin":
                urls.append(params["url"])
    return urls


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                                    reason=f"{CHROMIUM} is not installed (apt-get install chromium)")


@needs_chromium
def test_report_in_a_browser(minuet_report, tmp_path):
    page = tmp_path / "minuet.html"
    page.write_text(minuet_report, encoding="utf-8")
    shot, net_log = tmp_path / "shot.png", tmp_path / "net.json"
    run = _chromium("--window-size=1280,2000", f"--log-net-log={net_log}", f"--screenshot={shot}",
                    page.as_uri(), tmp=tmp_path)
    assert shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert len(data) > 20_000
    assert _png_pixels_vary(data)
    requested = _page_requests(net_log)
    assert all(u.startswith(("file:", "data:")) for u in requested), requested

    dom = _chromium("--dump-dom", page.as_uri(), tmp=tmp_path).stdout.decode("utf-8", errors="replace")
    assert "<audio" in dom and 'id="score-page-1"' in dom and 'class="note"' in dom
    assert 'id="chord-graph"' in dom and 'id="form-tree"' in dom and 'id="key-path"' in dom


@needs_chromium
def test_the_request_check_sees_a_page_request(tmp_path):
    """Control: a page that links an outside image shows up in the net log (so the check above can fail)."""
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="https://example.invalid/x.png">', encoding="utf-8")
    net_log = tmp_path / "net.json"
    _chromium(f"--log-net-log={net_log}", f"--screenshot={tmp_path / 'c.png'}", page.as_uri(), tmp=tmp_path)
    assert "https://example.invalid/x.png" in _page_requests(net_log)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="headless Chromium (Debian chromium) is not installed")
def test_the_explanation_wraps_inside_the_page_in_a_browser(maqam_report, tmp_path):
    """The maqam report's explanation (long lines: modulations, ornaments) wraps at the page's width
    instead of running off to the side."""
    probe = ("<script>addEventListener('load',()=>{const p=document.querySelector('#explanation pre');"
             "document.body.setAttribute('data-wide',String(p.scrollWidth>p.clientWidth+1));"
             "document.body.setAttribute('data-page',String(document.documentElement.scrollWidth>innerWidth+1));"
             "});</script>")
    page = tmp_path / "report.html"
    page.write_text(maqam_report.replace("</body>", probe + "</body>"), encoding="utf-8")
    done = _chromium("--window-size=800,1000", "--virtual-time-budget=5000", "--dump-dom", page.as_uri(), tmp=tmp_path)
    dom = done.stdout.decode("utf-8", errors="replace")
    assert 'data-wide="false"' in dom and 'data-page="false"' in dom, dom[-500:]
