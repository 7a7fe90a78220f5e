"""What a written file carries of how it was composed: the spec, the seed and the settings.

MIDI files get one text meta event on the conductor track (`partita-provenance:` then JSON);
MusicXML files a `<miscellaneous-field name="partita-provenance">` in `<identification>`. The
readers hand it back in `piece.settings["provenance"]`, and `partita evaluate` rebuilds the plan
from it (the plan is a pure function of the spec and seed), so a file can be measured against the
key, form and constraints it was written under. A file without it is still read and measured on
everything that needs no spec.
"""
from __future__ import annotations

import json

from ..version import VERSION

PROVENANCE_FIELD = "partita-provenance"
MIDI_PREFIX = PROVENANCE_FIELD + ":"
PROVENANCE_FORMAT = 1
CARRIED_SETTINGS = ("filler", "temperature", "top_p", "max_copied_run", "edits")   # what files record of settings


def partita_version() -> str:
    return VERSION


def provenance(piece) -> dict | None:
    """The spec, seed and settings of a composed piece; None for a piece that was read or built by hand."""
    spec = getattr(piece, "spec", None)
    if spec is None or not getattr(spec, "raw", None):
        # A piece file whose spec does not load here passes on the spec it carries; a piece read from a
        # MIDI or MusicXML file (its own settings["provenance"]) carries nothing when written again.
        return getattr(piece, "settings", {}).get("carried_provenance") or None
    settings = {k: v for k, v in piece.settings.items() if k in CARRIED_SETTINGS}
    # The spec as composed: its seed is the one used, so a seed given on the command line and the same
    # seed written in the spec give the same file.
    return {"format": PROVENANCE_FORMAT, "partita": partita_version(), "spec": {**spec.raw, "seed": piece.seed},
            "seed": piece.seed,
            "settings": settings}


def provenance_text(piece) -> str | None:
    data = provenance(piece)
    if data is None:
        return None
    return json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)


def parse_provenance(text: str) -> dict | None:
    """The provenance in a file's text, or None when it is absent or unreadable (never an error:
    a damaged field only means the file is measured without its spec)."""
    if text.startswith(MIDI_PREFIX):
        text = text[len(MIDI_PREFIX):]
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):     # RecursionError: nested deeper than the decoder goes
        return None
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict) or data.get("format") != PROVENANCE_FORMAT:
        return None
    return data
