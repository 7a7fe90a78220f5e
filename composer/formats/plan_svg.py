"""Pictures of the plan for the HTML report, drawn as inline SVG: the form tree, the key path, the chord
graph walked, and a mode's degrees.
"""
from __future__ import annotations

import math
from html import escape

from ..grammar.chords import load_chord_style, variant_for_key
from ..plan.harmony import CADENCE_LABELS

WIDTH = 960
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
PALETTE = ("#3b6ea5", "#c8702a", "#4f9a5b", "#a3465f", "#7a5ca8", "#8a7a2c", "#2e8c8c", "#b0529b")
WALKED = "#c8402a"
CADENCE_SHORT = {"authentic": "auth.", "half": "half", "plagal": "plagal", "deceptive": "decept.", "none": "none",
                 "final": "final", "rest": "rest", "half_close": "half close"}
FUNCTION_ORDER = ("tonic", "predominant", "subdominant", "dominant", "modal")


def fmt(x: float) -> str:
    """A coordinate with at most one decimal (stable text for stable bytes)."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, size: int = 11, anchor: str = "middle", cls: str = "",
          weight: str = "", fill: str = "#222") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{attrs}>'
            f"{escape(content)}</text>")


def _text_width(content: str, size: int) -> float:
    return len(content) * size * 0.62


def _fit(candidates, width: float, size: int) -> str:
    """The first label that fits `width` at font `size` ('' if none)."""
    for c in candidates:
        if c and _text_width(c, size) <= width - 4:
            return c
    return ""


def _svg_open(svg_id: str, width: float, height: float, label: str) -> str:
    return (f'<svg {SVG_NS} id="{svg_id}" class="plan" width="{fmt(width)}" height="{fmt(height)}" '
            f'viewBox="0 0 {fmt(width)} {fmt(height)}" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>")


def key_colours(piece) -> dict[str, str]:
    """A colour per key, in order of first appearance (the home key first)."""
    colours: dict[str, str] = {}
    keys = [str(p.key) for p in piece.plan.phrases] if piece.plan is not None else []
    for name in [str(piece.key), *keys, *(str(k.key) for k in piece.keys)]:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def unit_word(plan) -> str:
    return "cycles" if plan is not None and plan.cycle else "bars"


def _bars_text(start: int, count: int) -> str:
    return f"{start + 1}" if count == 1 else f"{start + 1}-{start + count}"


def form_tree_svg(piece) -> str:
    plan = piece.plan
    colours = key_colours(piece)
    margin, top = 12.0, 8.0
    unit = (WIDTH - 2 * margin) / max(1, plan.bars)
    sec_y, sec_h = top, 46.0
    ph_y, ph_h = sec_y + sec_h + 22.0, 40.0
    ruler_y = ph_y + ph_h + 14.0
    height = ruler_y + 22.0
    word = unit_word(plan)
    out = [_svg_open("form-tree", WIDTH, height, f"Form of {piece.title}: {len(plan.sections)} sections, "
                                                 f"{plan.bars} {word}")]
    out.append('<defs><pattern id="ft-kept" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" '
               'stroke-opacity="0.12" stroke-width="3"/></pattern></defs>')
    for section in plan.sections:
        x, w = margin + section.start_bar * unit, section.bars * unit
        colour = colours.get(str(section.key), PALETTE[0])
        repeat = section.repeat_of is not None
        cls = "section repeat" if repeat else "section"
        title = f"section {section.name} ({section.role}), {word} {_bars_text(section.start_bar, section.bars)}, " \
                f"{section.key}"
        if repeat:
            title += f"; repeats {section.repeat_of} ({section.kept_bars} of {section.bars} {word} kept)"
        dash = ' stroke-dasharray="6 3"' if repeat else ""
        out.append(f'<g class="{cls}" data-section="{escape(section.name)}"><title>{escape(title)}</title>'
                   f'<rect x="{fmt(x + 1)}" y="{fmt(sec_y)}" width="{fmt(w - 2)}" height="{fmt(sec_h)}" rx="5" '
                   f'fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2"{dash}/>')
        if repeat and section.kept_bars:
            out.append(f'<rect x="{fmt(x + 1)}" y="{fmt(sec_y)}" width="{fmt(section.kept_bars * unit - 2)}" '
                       f'height="{fmt(sec_h)}" rx="5" fill="url(#ft-kept)"/>')
        name = f"{section.name} ({section.role})"
        head = _fit([name + (f" = {section.repeat_of}" if repeat else ""), name, section.name], w, 13)
        out.append(_text(x + w / 2, sec_y + 18, head, 13, weight="bold"))
        sub_full = f"{word} {_bars_text(section.start_bar, section.bars)} · {section.key}"
        if repeat:
            sub_full += f" · repeat, {section.kept_bars}/{section.bars} kept"
        sub = _fit([sub_full, f"{word} {_bars_text(section.start_bar, section.bars)} · {section.key}",
                    str(section.key), _bars_text(section.start_bar, section.bars)], w, 10)
        out.append(_text(x + w / 2, sec_y + 35, sub, 10, fill="#444"))
        out.append("</g>")
        for phrase in section.phrases:
            px, pw = margin + phrase.start_bar * unit, phrase.bars * unit
            pcol = colours.get(str(phrase.key), colour)
            cadence = CADENCE_LABELS.get(phrase.cadence, phrase.cadence)
            chords = "–".join(c.roman for c in phrase.chords[-2:]) if phrase.chords else ""
            ptitle = f"phrase {phrase.number} of {section.name}, {word} {_bars_text(phrase.start_bar, phrase.bars)}, " \
                     f"{phrase.key}: {cadence}" + (f" ({chords})" if chords else "")
            out.append(f'<line x1="{fmt(x + w / 2)}" y1="{fmt(sec_y + sec_h)}" x2="{fmt(px + pw / 2)}" '
                       f'y2="{fmt(ph_y)}" stroke="#999" stroke-width="1"/>')
            out.append(f'<g class="phrase" data-cadence="{escape(phrase.cadence)}"><title>{escape(ptitle)}</title>'
                       f'<rect x="{fmt(px + 2)}" y="{fmt(ph_y)}" width="{fmt(pw - 4)}" height="{fmt(ph_h)}" rx="4" '
                       f'fill="#fff" stroke="{pcol}" stroke-width="1.5"/>')
            label = _fit([f"phrase {phrase.number}", f"p{phrase.number}"], pw, 10)
            out.append(_text(px + pw / 2, ph_y + 15, label, 10, fill="#555"))
            short = CADENCE_SHORT.get(phrase.cadence, phrase.cadence)
            cad = _fit([f"{cadence} ({chords})" if chords else cadence, cadence,
                        f"{short} {chords}" if chords else short, short], pw, 11)
            out.append(_text(px + pw / 2, ph_y + 31, cad, 11, cls="cadence", weight="bold"))
            out.append("</g>")
    # a ruler of bars
    step = 1 if plan.bars <= 24 else 2 if plan.bars <= 48 else 4 if plan.bars <= 96 else 8
    out.append(f'<line x1="{fmt(margin)}" y1="{fmt(ruler_y)}" x2="{fmt(margin + plan.bars * unit)}" y2="{fmt(ruler_y)}" '
               f'stroke="#888"/>')
    for b in range(0, plan.bars + 1):
        x = margin + b * unit
        tall = b % step == 0
        out.append(f'<line x1="{fmt(x)}" y1="{fmt(ruler_y)}" x2="{fmt(x)}" y2="{fmt(ruler_y + (5 if tall else 3))}" '
                   f'stroke="#888"/>')
        if tall and b < plan.bars:
            out.append(_text(x + unit / 2 if step == 1 else x + 2, ruler_y + 15, str(b + 1), 9,
                             anchor="middle" if step == 1 else "start", fill="#666"))
    out.append("</svg>")
    return "".join(out)


def _key_steps(piece) -> list[tuple[object, int, object]]:
    """[(key, start bar, modulation into it or None)] in time order, consecutive repeats merged."""
    plan = piece.plan
    steps: list[tuple[object, int, object]] = []
    if plan is not None and plan.phrases:
        for phrase in plan.phrases:
            if not steps or str(phrase.key) != str(steps[-1][0]):
                steps.append((phrase.key, phrase.start_bar, phrase.modulation))
        return steps
    bar_q = piece.meter.bar_quarters
    for change in piece.keys:
        if not steps or str(change.key) != str(steps[-1][0]):
            steps.append((change.key, int(change.offset / bar_q), None))
    return steps


def _modulation_label(mod) -> list[str]:
    if mod is None:
        return ["change of key"]
    lines = []
    if mod.pivot is not None:
        p = mod.pivot
        lines.append(f"pivot {p.chord.symbol}: {p.roman_from} → {p.roman_to}")
    elif mod.from_key.pack == "western" and mod.to_key.pack == "western":
        lines.append("no common triad: direct")
    relation = ", ".join(mod.relations)
    if relation:
        lines.append(relation)
    if len(mod.path) > 2:
        lines.append("via " + " → ".join(mod.path[1:-1]))
    return lines


def key_path_svg(piece) -> str:
    steps = _key_steps(piece)
    colours = key_colours(piece)
    word = unit_word(piece.plan)
    node_h, row_h, margin = 44.0, 78.0, 12.0
    blocks = []  # (arrow width, label lines, node width, key, bar)
    for i, (key, bar, mod) in enumerate(steps):
        name = str(key)
        node_w = max(110.0, _text_width(name, 13) + 24)
        if i == 0:
            blocks.append((0.0, [], node_w, key, bar))
            continue
        lines = _modulation_label(mod)
        arrow_w = max(90.0, max(_text_width(t, 10) for t in lines) + 20)
        blocks.append((arrow_w, lines, node_w, key, bar))
    # place blocks in rows
    placed, x, row = [], margin, 0
    for arrow_w, lines, node_w, key, bar in blocks:
        if x + arrow_w + node_w > WIDTH - margin and x > margin:
            row, x = row + 1, margin
        placed.append((row, x, arrow_w, lines, node_w, key, bar))
        x += arrow_w + node_w
    height = (row + 1) * row_h
    out = [_svg_open("key-path", WIDTH, height, f"Key path of {piece.title}: "
                     + " → ".join(str(s[0]) for s in steps))]
    out.append('<defs><marker id="kp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
               'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>')
    for row, x, arrow_w, lines, node_w, key, bar in placed:
        y = row * row_h + 12.0
        if arrow_w:
            x1, x2 = x + 4, x + arrow_w - 6
            out.append(f'<g class="modulation"><title>{escape("; ".join(lines))}</title>'
                       f'<line x1="{fmt(x1)}" y1="{fmt(y + node_h / 2)}" x2="{fmt(x2)}" y2="{fmt(y + node_h / 2)}" '
                       f'stroke="#555" stroke-width="2" marker-end="url(#kp-arrow)"/>')
            for j, line in enumerate(lines[:3]):
                # the first line above the arrow, the others below it
                ly = y + node_h / 2 - 7 if j == 0 else y + node_h / 2 + 4 + 12 * j
                out.append(_text((x1 + x2) / 2, ly, line, 10, cls="pivot" if j == 0 else "", fill="#333"))
            out.append("</g>")
        nx = x + arrow_w
        colour = colours.get(str(key), PALETTE[0])
        out.append(f'<g class="key"><rect x="{fmt(nx)}" y="{fmt(y)}" width="{fmt(node_w)}" height="{fmt(node_h)}" '
                   f'rx="8" fill="{colour}" fill-opacity="0.2" stroke="{colour}" stroke-width="2"/>')
        out.append(_text(nx + node_w / 2, y + 19, str(key), 13, weight="bold"))
        out.append(_text(nx + node_w / 2, y + 35, f"from {word[:-1]} {bar + 1}", 10, fill="#555"))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def style_name(piece) -> str:
    """The chord style the piece was planned in."""
    spec_style = getattr(piece.spec, "style", None) if piece.spec is not None else None
    return spec_style or (piece.plan.style if piece.plan is not None else "classical")


def home_variant(piece):
    style = load_chord_style(style_name(piece))
    return style, variant_for_key(style, piece.key)


def walked_transitions(piece) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """(visits per chord, count per transition) of the piece's chords that belong to the home key's
    style variant: consecutive chords in one key whose variant is the home key's."""
    style, variant = home_variant(piece)
    graph = variant.digraph()
    same: dict[str, bool] = {}

    def in_variant(key) -> bool:
        name = str(key)
        if name not in same:
            try:
                same[name] = variant_for_key(style, key).variant == variant.variant
            except Exception:  # noqa: BLE001 - a key the style has no variant for is simply not drawn
                same[name] = False
        return same[name]

    visits: dict[str, int] = {}
    edges: dict[tuple[str, str], int] = {}
    chords = list(piece.chords)
    for event in chords:
        if in_variant(event.key) and event.roman in graph:
            visits[event.roman] = visits.get(event.roman, 0) + 1
    for a, b in zip(chords, chords[1:]):
        if str(a.key) == str(b.key) and in_variant(a.key) and graph.has_edge(a.roman, b.roman):
            edges[(a.roman, b.roman)] = edges.get((a.roman, b.roman), 0) + 1
    return visits, edges


def chord_graph_svg(piece) -> str:
    _, variant = home_variant(piece)
    graph = variant.digraph()
    visits, walked = walked_transitions(piece)
    columns: dict[str, list[str]] = {}
    for node in sorted(graph.nodes):
        func = variant.functions.get(node) or "other"
        columns.setdefault(func, []).append(node)
    order = [f for f in FUNCTION_ORDER if f in columns] + sorted(f for f in columns if f not in FUNCTION_ORDER)
    radius, row_h, top = 22.0, 64.0, 52.0
    tallest = max(len(v) for v in columns.values())
    height = top + tallest * row_h + 30
    col_w = (WIDTH - 40) / len(order)
    pos: dict[str, tuple[float, float]] = {}
    for c, func in enumerate(order):
        nodes = columns[func]
        cx = 20 + col_w * (c + 0.5)
        y0 = top + (tallest - len(nodes)) * row_h / 2 + row_h / 2
        for r, node in enumerate(nodes):
            # stagger alternate rows a little so edges inside a column do not run through nodes
            pos[node] = (cx + (18 if r % 2 else -18) * (len(nodes) > 2), y0 + r * row_h)
    label = (f"Chord graph of the {style_name(piece)} style, variant {variant.variant}: {len(graph.nodes)} chords, "
             f"{len(graph.edges)} transitions; {len(walked)} transitions walked by the piece")
    out = [_svg_open("chord-graph", WIDTH, height, label)]
    out.append('<defs>'
               '<marker id="cg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
               'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#aaa"/></marker>'
               '<marker id="cg-arrow-walked" viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" '
               f'markerWidth="11" markerHeight="11" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{WALKED}"/>'
               '</marker></defs>')
    for c, func in enumerate(order):
        out.append(_text(20 + col_w * (c + 0.5), 22, func, 13, weight="bold", fill="#444"))
    edges = sorted(graph.edges(data=True), key=lambda e: ((e[0], e[1]) in walked, e[0], e[1]))
    for a, b, data in edges:
        taken = walked.get((a, b), 0)
        weight = float(data.get("weight", 1.0))
        cls = "edge walked" if taken else "edge"
        stroke = WALKED if taken else "#b5b5b5"
        width = 2.0 + min(4.0, taken * 0.5) if taken else 1.0
        marker = "cg-arrow-walked" if taken else "cg-arrow"
        title = f"{a} → {b} (weight {weight:g})" + (f", taken {taken} time{'s' if taken != 1 else ''}" if taken else "")
        (ax, ay), (bx, by) = pos[a], pos[b]
        if a == b:
            d = (f"M{fmt(ax - 10)},{fmt(ay - radius + 3)} C{fmt(ax - 30)},{fmt(ay - radius - 34)} "
                 f"{fmt(ax + 30)},{fmt(ay - radius - 34)} {fmt(ax + 10)},{fmt(ay - radius + 3)}")
        else:
            dx, dy = bx - ax, by - ay
            dist = math.hypot(dx, dy)
            bend = 0.15 * dist + 8 if abs(dx) > 40 else 0.35 * dist + 10
            mx, my = (ax + bx) / 2 - dy / dist * bend, (ay + by) / 2 + dx / dist * bend
            sx, sy = _toward(ax, ay, mx, my, radius)
            ex, ey = _toward(bx, by, mx, my, radius + 1)
            d = f"M{fmt(sx)},{fmt(sy)} Q{fmt(mx)},{fmt(my)} {fmt(ex)},{fmt(ey)}"
        out.append(f'<path class="{cls}" data-from="{escape(a)}" data-to="{escape(b)}" d="{d}" fill="none" '
                   f'stroke="{stroke}" stroke-width="{fmt(width)}" marker-end="url(#{marker})">'
                   f"<title>{escape(title)}</title></path>")
    starts = {n for n, w in variant.start.items() if w > 0}
    for node in sorted(graph.nodes):
        x, y = pos[node]
        count = visits.get(node, 0)
        cls = "node visited" if count else "node"
        fill = WALKED if count else "#fff"
        title = f"{node} ({variant.functions.get(node, 'other')})" + (f", sounds {count} time{'s' if count != 1 else ''}"
                                                                      if count else ", not used")
        ring = (f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(radius + 4)}" fill="none" stroke="#777" '
                f'stroke-width="1" stroke-dasharray="2 2"/>') if node in starts else ""
        out.append(f'<g class="{cls}" data-chord="{escape(node)}"><title>{escape(title)}</title>{ring}'
                   f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(radius)}" fill="{fill}" stroke="#555" '
                   f'stroke-width="1.5"/>')
        size = 13 if len(node) <= 4 else 10
        out.append(_text(x, y + size * 0.35, node, size, weight="bold", fill="#fff" if count else "#222"))
        out.append("</g>")
    out.append(_text(20, height - 10, "filled: chords the piece uses · red arrows: transitions it takes "
                     "(thicker = more often) · dotted ring: usual opening chords", 10, anchor="start", fill="#555"))
    out.append("</svg>")
    return "".join(out)


def _toward(x: float, y: float, tx: float, ty: float, r: float) -> tuple[float, float]:
    """The point at distance r from (x, y) in the direction of (tx, ty)."""
    dx, dy = tx - x, ty - y
    d = math.hypot(dx, dy) or 1.0
    return x + dx / d * r, y + dy / d * r


def mode_scale_svg(piece) -> str:
    key = piece.key
    scale, info = key.scale, key.info
    period = float(scale.period_cents)
    cents = list(scale.degree_cents)
    names = list(scale.degree_names) if scale.degree_names else [f"{c:g}" for c in cents]
    margin = 50.0
    span = WIDTH - 2 * margin

    def X(c: float) -> float:
        return margin + c / period * span

    up_y, axis_y, down_y = 62.0, 150.0, 238.0
    height = down_y + 62.0
    label = f"Scale of {key}: up " + " ".join(names[i] for i in scale.ascending) + " | down " + \
        " ".join(names[i] for i in reversed(scale.descending))
    out = [_svg_open("mode-scale", WIDTH, height, label)]
    out.append('<defs><marker id="ms-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
               'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>')
    out.append(_text(8, up_y - 34, "ascending", 12, anchor="start", weight="bold", fill="#3b6ea5"))
    out.append(_text(8, down_y + 48, "descending", 12, anchor="start", weight="bold", fill="#a3465f"))
    # the axis with every degree, the octave (period) and a cents scale
    out.append(f'<line x1="{fmt(X(0) - 10)}" y1="{fmt(axis_y)}" x2="{fmt(X(period) + 10)}" y2="{fmt(axis_y)}" '
               f'stroke="#555" stroke-width="2"/>')
    for c in range(0, int(period) + 1, 100):
        out.append(f'<line x1="{fmt(X(c))}" y1="{fmt(axis_y - 3)}" x2="{fmt(X(c))}" y2="{fmt(axis_y + 3)}" '
                   f'stroke="#999"/>')
    emphasis = {}
    for role, c in sorted(info.emphasis.items()):
        emphasis.setdefault(round(c % period, 3), []).append(role)
    final = round(info.final_cents % period, 3)
    points = [(c, n) for c, n in zip(cents, names)] + [(period, names[0] + "'")]
    for c, name in points:
        x = X(c)
        marks = emphasis.get(round(c % period, 3), []) if c < period else []
        is_final = abs(c - final) < 1e-6
        cls = "degree" + (" final" if is_final else "") + (" emphasis" if marks else "")
        title = f"{name}: {c:g} cents" + (", the final" if is_final else "") + \
            (f", emphasis ({', '.join(marks)})" if marks else "")
        out.append(f'<g class="{cls}"><title>{escape(title)}</title>')
        out.append(f'<line x1="{fmt(x)}" y1="{fmt(up_y)}" x2="{fmt(x)}" y2="{fmt(down_y)}" stroke="#ddd" '
                   f'stroke-dasharray="3 3"/>')
        if is_final:
            out.append(f'<circle cx="{fmt(x)}" cy="{fmt(axis_y)}" r="11" fill="none" stroke="#222" stroke-width="2.5"/>')
        if marks:
            out.append(f'<rect x="{fmt(x - 9)}" y="{fmt(axis_y - 9)}" width="18" height="18" fill="#f2c14e" '
                       f'stroke="#8a6a10" transform="rotate(45 {fmt(x)} {fmt(axis_y)})"/>')
        out.append(f'<circle cx="{fmt(x)}" cy="{fmt(axis_y)}" r="5.5" fill="#222"/>')
        out.append(_text(x, axis_y - 16, name, 13, weight="bold"))
        out.append(_text(x, axis_y + 24, f"{c:g}", 10, fill="#555"))
        notes = (["final"] if is_final else []) + marks
        for j, note in enumerate(notes):
            out.append(_text(x, axis_y + 38 + 12 * j, note, 10, fill="#8a3a10"))
        out.append("</g>")
    for c in info.omitted_cents:
        x = X(c % period)
        out.append(f'<g class="omitted"><title>{escape(f"{c:g} cents never sounds")}</title>'
                   f'<path d="M{fmt(x - 5)},{fmt(axis_y - 5)} L{fmt(x + 5)},{fmt(axis_y + 5)} M{fmt(x - 5)},'
                   f'{fmt(axis_y + 5)} L{fmt(x + 5)},{fmt(axis_y - 5)}" stroke="#c00" stroke-width="2"/></g>')
    # ascending form: arcs above; descending form: arcs below (from the octave down)
    up = [cents[i] for i in scale.ascending] + [period]
    down = [period] + [cents[i] for i in reversed(scale.descending)]
    for seq, y, colour, cls, sign in ((up, up_y, "#3b6ea5", "ascending", -1), (down, down_y, "#a3465f",
                                                                             "descending", 1)):
        out.append(f'<g class="{cls}">')
        for c in seq:
            out.append(f'<circle cx="{fmt(X(c))}" cy="{fmt(y)}" r="4" fill="{colour}"/>')
        for a, b in zip(seq, seq[1:]):
            xa, xb = X(a), X(b)
            direction = 1 if xb >= xa else -1
            sx, ex = xa + 5 * direction, xb - 6 * direction
            lift = min(30.0, 10 + abs(xb - xa) * 0.15)
            out.append(f'<path d="M{fmt(sx)},{fmt(y)} Q{fmt((sx + ex) / 2)},{fmt(y + sign * lift)} {fmt(ex)},{fmt(y)}" '
                       f'fill="none" stroke="{colour}" stroke-width="2" marker-end="url(#ms-arrow)"/>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
