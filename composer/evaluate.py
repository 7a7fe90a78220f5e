"""`partita evaluate`: quality metrics per piece and in aggregate, the distance to a reference corpus,
and the copying check against a corpus.

    from composer.evaluate import evaluate_files, evaluate_piece
    report = evaluate_files(["out/minuet.mid"], reference="oneills1850:test", against="oneills1850")

A piece is measured on its lead melody (the first part with role melody; in a file without its
spec, the first pitched part). Metrics that need the plan (chord tones, key fidelity, form,
constraints) are measured where the piece carries its spec: composed in this process, or read from a
MIDI or MusicXML file that partita wrote (see `composer.provenance`); elsewhere they are null with
the reason. Definitions and sources: `docs/evaluation.md`.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from corpora import CorpusError, load_corpora
from corpora.progress import Progress
from theory import Pitch
from theory.written import sounding_cents

from .analysis import metrics as M
from .analysis.context import Context, context_of, lead_part
from .analysis.originality import piece_melodies, report
from .analysis.similarity import compare_sets
from .analysis.tradition import tradition_lines, tradition_measures
from .formats.read import read_piece
from .models.corpus_index import OriginalityError, load_index
from .score.errors import ComposerError
from .score.notes import KeyChange

SCALAR_FEATURES = ("pitch_class_entropy", "pitch_classes_used", "pitch_range", "mean_abs_interval",
                   "scale_consistency", "mean_ioi", "groove_consistency", "empty_beat_rate")
HISTOGRAM_FEATURES = ("pitch_class_histogram", "interval_histogram", "duration_histogram", "ioi_histogram")
REFERENCE_SAMPLE = 400          # reference tunes drawn (fixed seed) for the pairwise distances


class EvaluateError(ComposerError):
    """A file, corpus or option `evaluate` cannot use."""


def line_metrics(line: M.Line) -> dict:
    return {
        "pitch_class_entropy": M.pitch_class_entropy(line), "pitch_classes_used": M.pitch_classes_used(line),
        "pitch_range": M.pitch_range(line), "mean_abs_interval": M.mean_abs_interval(line),
        "scale_consistency": M.scale_consistency(line), "mean_ioi": M.mean_ioi(line),
        "groove_consistency": M.groove_consistency(line), "empty_beat_rate": M.empty_beat_rate(line),
        "bar_repetition_rate": M.bar_repetition_rate(line),
        "pitch_class_histogram": M.pitch_class_histogram(line), "interval_histogram": M.interval_histogram(line),
        "duration_histogram": M.duration_histogram(line), "ioi_histogram": M.ioi_histogram(line),
    }


def read_as_sounding(piece) -> None:
    """Each pitched note as the pitch its written note stands for in the key of its bar: a score of a raga,
    a gamelan piece or a dastgah writes letters or quarter-tone signs for its mode's exact notes
    (`theory.written`), which the measures compare with the mode."""
    for part in piece.parts:
        if part.role == "percussion":
            continue
        part.notes = [n if (c := sounding_cents(piece.key_at(n.offset), n.pitch.cents)) == n.pitch.cents
                      else replace(n, pitch=Pitch(c)) for n in part.notes]


def evaluate_piece(piece, name: str | None = None, against=None) -> dict:
    """Every metric of one piece (a dict ready for JSON; histograms as lists)."""
    ctx = context_of(piece)
    if ctx.plan is not None:
        piece.chords = piece.chords or ctx.plan.chords
        piece.meter = ctx.plan.meter        # a file keeps numerator/denominator, not an additive grouping
        if len(piece.keys) <= 1 and ctx.plan.phrases:
            keys = []
            for phrase in ctx.plan.phrases:
                if not keys or keys[-1].key != phrase.key:
                    keys.append(KeyChange(phrase.offset(ctx.plan.meter), phrase.key))
            piece.keys = keys
        read_as_sounding(piece)
    part = lead_part(piece, ctx)
    if part is None:
        raise EvaluateError(f"{name or piece.title}: no pitched part to measure")
    tonic = piece.key.tonic_cents if piece.keys else None
    line = M.line_from_notes(part.notes, piece.meter, tonic)
    values = line_metrics(line)
    notes = part.sorted_notes()
    planned = ctx.plan is not None
    values["in_scale_rate"] = M.in_scale_rate(notes, piece) if planned else None
    values["strong_beat_chord_tone_ratio"] = M.strong_beat_chord_tone_ratio(notes, piece) if planned else None
    values["key_fidelity"] = M.key_fidelity(piece, ctx.spec.key if ctx.spec else None) if planned else \
        {"applies": False, "reason": ctx.note}
    structure = M.form_structure(notes, ctx.plan) if planned else None
    values["form"] = structure
    values["repeat_similarity"] = structure["repeat_similarity"] if structure else None
    values["form_accuracy"] = structure["form_accuracy"] if structure else None
    values["tradition"] = tradition_measures(piece, part, ctx.plan) if planned else None
    constraints = M.constraint_satisfaction(piece, ctx.plan, ctx.slots) if planned else None
    values["constraints"] = constraints
    values["constraint_satisfaction_rate"] = constraints["rate"] if constraints else None
    out = {"file": name, "title": piece.title, "part": part.name, "notes": len(notes), "bars": piece.bars,
           "meter": f"{piece.meter.numerator}/{piece.meter.denominator}", "carries_spec": planned,
           "spec_note": ctx.note, "metrics": _jsonable(values)}
    if against is not None:
        roles = None if ctx.spec is None else ("melody",)
        mels = piece_melodies(_with_roles(piece, ctx), roles)
        guard = piece.settings.get("max_copied_run", 0) or \
            (piece.settings.get("provenance") or {}).get("settings", {}).get("max_copied_run", 0)
        out["originality"] = report(mels, against, piece.meter, guard).to_json()
    return out


def _with_roles(piece, ctx: Context):
    if ctx.spec is None:
        return piece
    roles = {p.name: p.role for p in ctx.spec.parts}
    for p in piece.parts:
        p.role = roles.get(p.name, p.role)
    return piece


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [round(float(v), 5) for v in value]
    if isinstance(value, (float, np.floating)):
        return round(float(value), 5)
    if isinstance(value, np.integer):
        return int(value)
    return value


def aggregate(results: list[dict]) -> dict:
    """Mean and standard deviation of every scalar metric over the pieces that have it."""
    out = {}
    for key in SCALAR_FEATURES + ("bar_repetition_rate", "in_scale_rate", "strong_beat_chord_tone_ratio",
                                  "repeat_similarity", "form_accuracy", "constraint_satisfaction_rate"):
        vals = [r["metrics"][key] for r in results if r["metrics"].get(key) is not None]
        if vals:
            out[key] = {"mean": round(float(np.mean(vals)), 5), "sd": round(float(np.std(vals)), 5), "n": len(vals)}
    fid = [r["metrics"]["key_fidelity"] for r in results if r["metrics"]["key_fidelity"].get("applies")]
    if fid:
        out["key_match_rate"] = {"mean": round(sum(f["match"] for f in fid) / len(fid), 5), "n": len(fid)}
    for key in HISTOGRAM_FEATURES:
        hists = [np.array(r["metrics"][key]) for r in results if r["metrics"].get(key) is not None]
        if hists:
            out[key] = _jsonable(np.mean(hists, axis=0))
    return out


def features_of(values: list[dict]) -> dict[str, list]:
    """Feature name -> per-piece values (scalars or histogram arrays), skipping missing ones."""
    out: dict[str, list] = {}
    for key in SCALAR_FEATURES + HISTOGRAM_FEATURES:
        out[key] = [np.asarray(v[key], dtype=float) for v in values if v.get(key) is not None]
    return out


def reference_features(spec_text: str, progress: bool = True) -> tuple[str, dict[str, list]]:
    """('name[:split]', features of up to REFERENCE_SAMPLE tunes of the corpus, drawn with a fixed seed)."""
    names, _, split = spec_text.partition(":")
    try:
        corpus = load_corpora([n for n in names.replace(",", "+").split("+") if n], progress=progress)
        tunes = corpus.tunes(split or None)
    except CorpusError as exc:
        raise EvaluateError(f"--reference {spec_text!r}: {exc}") from None
    if len(tunes) > REFERENCE_SAMPLE:
        pick = np.random.default_rng(0).choice(len(tunes), REFERENCE_SAMPLE, replace=False)
        tunes = [tunes[i] for i in sorted(pick)]
    return f"{corpus.name}{':' + split if split else ''}", features_of([line_metrics(M.line_from_tune(t))
                                                                          for t in tunes])


def evaluate_files(paths, reference: str | None = None, against: str | None = None, progress: bool = False) -> dict:
    """Read and evaluate each file; with `reference`, compare the set to the corpus (Yang & Lerch
    2018); with `against`, report each piece's longest run copied from a tune of that corpus."""
    index = None
    if against:
        try:
            index = load_index(against, progress)
        except OriginalityError as exc:
            raise EvaluateError(f"--against {against!r}: {exc}") from None

    paths = list(paths)
    bar = Progress(len(paths), "evaluate", enabled=progress and len(paths) > 3)
    pieces = []
    for path in paths:
        piece = read_piece(path)
        pieces.append(evaluate_piece(piece, str(path), index))
        bar.update(extra=Path(path).name[:30])
    bar.close()
    return summarise(pieces, reference, progress)


def summarise(pieces: list[dict], reference: str | None = None, progress: bool = False) -> dict:
    out = {"pieces": pieces, "aggregate": aggregate(pieces)}
    if reference:
        name, ref = reference_features(reference, progress)
        gen = features_of([p["metrics"] for p in pieces])
        out["reference"] = {"corpus": name, "tunes": len(ref["pitch_range"]),
                            "features": compare_sets(gen, ref),
                            "mean_histograms": {k: _jsonable(np.mean(ref[k], axis=0)) for k in HISTOGRAM_FEATURES
                                                if ref[k]}}
    return out


def text_report(report: dict) -> str:
    """The report as lines a person reads."""
    lines = []
    for p in report["pieces"]:
        m = p["metrics"]
        lines.append(f"{p['file'] or p['title']}: {p['notes']} notes in part {p['part']!r}, {p['bars']} bars, "
                     f"{p['meter']}")
        for key in SCALAR_FEATURES + ("bar_repetition_rate", "in_scale_rate", "strong_beat_chord_tone_ratio",
                                      "repeat_similarity", "form_accuracy", "constraint_satisfaction_rate"):
            if m.get(key) is not None:
                lines.append(f"  {key.replace('_', ' ')}: {m[key]:g}")
        kf = m["key_fidelity"]
        lines.append(f"  key: analysed {kf['analysed_key']} against the spec's {kf['spec_key']} "
                     f"(rank {kf['spec_key_rank']})" if kf.get("applies") else f"  key fidelity: n/a ({kf['reason']})")
        if m.get("tradition"):
            lines += tradition_lines(m["tradition"])
        if m["constraints"] and m["constraints"]["first_violations"]:
            lines += [f"  violation: {v}" for v in m["constraints"]["first_violations"]]
        if "originality" in p:
            o = p["originality"]
            tune = o["tune"]
            text = (f"  longest copied run: {o['longest_copied_run']} notes"
                    + (f" from {tune['title']!r} ({tune['id']}), bar {o['bar']}" if tune else "")
                    + (f"; {o['corpus_percentile']:g} % of {o['corpus']}'s tunes share a run this long or shorter"
                       if o["corpus_percentile"] is not None else ""))
            lines.append(text)
    if "reference" in report:
        ref = report["reference"]
        lines.append(f"against {ref['corpus']} ({ref['tunes']} tunes): overlap of intra-set and inter-set distances")
        for key, f in ref["features"].items():
            if f.get("overlap") is not None:
                lines.append(f"  {key.replace('_', ' ')}: overlap {f['overlap']:.3f}, KL {f['kl_divergence']:.3f}")
    return "\n".join(lines)
