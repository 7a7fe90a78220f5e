"""The evaluation as one self-contained HTML page: `partita evaluate FILES --html REPORT.html`.

Per piece: its metrics in a table, and its pitch-class, interval, duration and inter-onset
histograms drawn as bars (inline SVG), beside the reference corpus's mean histogram when
`--reference` is given; the longest copied run with its tune and its place among the corpus's
own borrowing. For the set: the Yang & Lerch overlaps as bars from 0 to 1. No script, no external
URL, all text escaped; the same report gives the same bytes.
"""
from __future__ import annotations

from html import escape

from .metrics import DURATION_LABELS, INTERVAL_BINS

BAR_W, CHART_H = 14, 90
PIECE_COLOUR, REFERENCE_COLOUR = "#3b6ea5", "#b9b9b9"
HISTOGRAMS = {
    "pitch_class_histogram": ("pitch classes above the tonic (semitones)", [str(i) for i in range(12)]),
    "interval_histogram": ("melodic intervals (semitones)",
                           [str(i) if i % 3 == 0 else "" for i in range(-(INTERVAL_BINS // 2), INTERVAL_BINS // 2 + 1)]),
    "duration_histogram": ("durations (quarters)", list(DURATION_LABELS)),
    "ioi_histogram": ("inter-onset intervals (quarters)", list(DURATION_LABELS)),
}
ROWS = ("pitch_class_entropy", "pitch_classes_used", "pitch_range", "mean_abs_interval", "scale_consistency",
        "in_scale_rate", "mean_ioi", "groove_consistency", "empty_beat_rate", "bar_repetition_rate",
        "strong_beat_chord_tone_ratio", "repeat_similarity", "form_accuracy", "constraint_satisfaction_rate")


def histogram_svg(name: str, values, reference=None) -> str:
    """Bars of one histogram (and the reference's beside each, lighter)."""
    title, labels = HISTOGRAMS[name]
    top = max([*values, *(reference or [])] + [1e-9])
    group = BAR_W * (2 if reference else 1) + 6
    width = 40 + group * len(values)
    parts = [f'<svg {_NS} id="{escape(name)}" width="{width}" height="{CHART_H + 42}" role="img" '
             f'aria-label="{escape(title)}"><text x="0" y="12" font-size="11">{escape(title)}</text>']
    for i, v in enumerate(values):
        x = 30 + i * group
        h = CHART_H * v / top
        parts.append(f'<rect x="{x}" y="{18 + CHART_H - h:.1f}" width="{BAR_W}" height="{h:.1f}" '
                     f'fill="{PIECE_COLOUR}"><title>{escape(labels[i] or str(i))}: {v:.3f}</title></rect>')
        if reference:
            r = reference[i]
            hr = CHART_H * r / top
            parts.append(f'<rect x="{x + BAR_W}" y="{18 + CHART_H - hr:.1f}" width="{BAR_W}" height="{hr:.1f}" '
                         f'fill="{REFERENCE_COLOUR}"><title>reference {escape(labels[i] or str(i))}: {r:.3f}'
                         f'</title></rect>')
        if labels[i]:
            parts.append(f'<text x="{x + group / 2 - 3:.1f}" y="{CHART_H + 32}" font-size="9" '
                         f'text-anchor="middle">{escape(labels[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def overlap_svg(features: dict) -> str:
    """One bar per feature: the Yang & Lerch overlap, from 0 to 1."""
    rows = [(k, f["overlap"]) for k, f in features.items() if f.get("overlap") is not None]
    height = 20 * len(rows) + 10
    parts = [f'<svg {_NS} id="overlaps" width="560" height="{height}" role="img" aria-label="overlaps">']
    for i, (key, value) in enumerate(rows):
        y = 5 + 20 * i
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{escape(key.replace("_", " "))}</text>'
                     f'<rect x="200" y="{y}" width="300" height="14" fill="#eee"/>'
                     f'<rect x="200" y="{y}" width="{300 * value:.1f}" height="14" fill="{PIECE_COLOUR}"/>'
                     f'<text x="506" y="{y + 12}" font-size="11">{value:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def report_html(report: dict) -> str:
    ref = report.get("reference")
    ref_hists = (ref or {}).get("mean_histograms", {})
    body = [f"<h1>Evaluation of {len(report['pieces'])} piece(s)</h1>"]
    if ref:
        body.append(f"<h2>Against {escape(ref['corpus'])} ({ref['tunes']} tunes)</h2>"
                    f"<p>Overlap of the reference's intra-set distances with the inter-set distances, per feature "
                    f"(Yang &amp; Lerch 2018): 1 means the pieces lie as close to the reference as its tunes lie to "
                    f"each other.</p>" + overlap_svg(ref["features"]))
    for p in report["pieces"]:
        m = p["metrics"]
        body.append(f"<section><h2>{escape(str(p['file'] or p['title']))}</h2>"
                    f"<p>{p['notes']} notes in part {escape(str(p['part']))}, {p['bars']} bars in {escape(p['meter'])}"
                    + ("" if p["carries_spec"] else f"; {escape(str(p['spec_note']))}") + "</p>")
        rows = "".join(f"<tr><td>{escape(k.replace('_', ' '))}</td><td>{_fmt(m.get(k))}</td></tr>" for k in ROWS)
        kf = m["key_fidelity"]
        key_text = (f"analysed {kf['analysed_key']}, spec {kf['spec_key']} (rank {kf['spec_key_rank']})"
                    if kf.get("applies") else f"n/a ({kf.get('reason')})")
        rows += f"<tr><td>key</td><td>{escape(key_text)}</td></tr>"
        if "originality" in p:
            o = p["originality"]
            tune = o["tune"]
            text = f"{o['longest_copied_run']} notes" + (
                f" from {tune['title']} ({tune['id']}), bar {o['bar']}" if tune else "")
            if o["corpus_percentile"] is not None:
                text += f"; {o['corpus_percentile']:g} % of {o['corpus']}'s tunes share a run this long or shorter"
            rows += f'<tr><td>longest copied run</td><td id="copied-run">{escape(text)}</td></tr>'
        violations = (m.get("constraints") or {}).get("first_violations") or []
        body.append(f"<table>{rows}</table>")
        if violations:
            body.append("<ul class='violations'>" + "".join(f"<li>{escape(v)}</li>" for v in violations) + "</ul>")
        charts = [histogram_svg(k, m[k], ref_hists.get(k)) for k in HISTOGRAMS if m.get(k) is not None]
        body.append("<div class='charts'>" + "".join(charts) + "</div></section>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:1em auto;color:#222}"
             "table{border-collapse:collapse}td{border-bottom:1px solid #ddd;padding:2px 10px}"
             ".charts svg{margin:6px 18px 6px 0}.violations{color:#a3465f}")
    legend = (f"<p><span style='color:{PIECE_COLOUR}'>&#9632;</span> the piece"
              + (f" &nbsp; <span style='color:{REFERENCE_COLOUR}'>&#9632;</span> the reference's mean" if ref else "")
              + "</p>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>partita evaluation</title>"
            f"<style>{style}</style></head><body>{body[0]}{legend}{''.join(body[1:])}</body></html>\n")
