"""MusicXML through music21, built measure by measure so no notation fix-up is needed.

Every measure is filled exactly to the bar: gaps become rests, durations that are
no single written value are split into tied pieces, notes crossing a barline are
split at it with a tie. Notes of one part that start together with the same
length form a chord; overlapping notes of different lengths go to separate voices,
each filled with rests.

Microtones: quarter tones are written as `<alter>` of +-0.5 (half-sharp/half-flat,
exported as quarter-sharp/quarter-flat) or +-1.5 (three-quarters-sharp/-flat). Any
other cent offset keeps its exact alteration: `<alter>` holds the decimal semitones
rounded to 4 places (22.64 cents above D: step D, `<alter>0.2264</alter>`), because
music21 itself drops `Pitch.microtone` on export. The accidental shown is chosen so:

* offsets that are a whole number k of Holdrian commas (1200/53 = 22.6415 cents,
  within 0.5 cent) use Turkish signs. The Arel-Ezgi-Uzdilek (AEU) ones where MusicXML
  4.0 has a value (SMuFL glyph in brackets): k=+5 `slash-quarter-sharp` (kucuk
  mucennep sharp), +8 `slash-sharp` (buyuk mucennep sharp), -4 `slash-flat` (bakiye
  flat), -8 `double-slash-flat` (buyuk mucennep flat); the numbered Turkish-folk signs
  for small counts: +1..+3 `sharp-1`..`sharp-3`, -1..-3 `flat-1`..`flat-3` (so a koma
  flat is `flat-1`, as MusicXML has no AEU koma sign). The letter is the key's
  spelling of the nearest 12-EDO key, or its neighbour letter where only that gives a
  comma count in this table (D + 5 commas rather than E - 3.83 commas);
* every other offset uses the arrow signs: the nearest whole alteration
  (flat-flat, flat, natural, sharp, double-sharp) with `-up` or `-down` (bakiye sharp,
  +4 commas = 90.6 cents, is `sharp-down`).

Such an exact accidental is printed on every note that carries it (also after a tie or
earlier in the bar): readers, music21 among them, do not read a decimal `<alter>` without
its `<accidental>` back.

Lyrics: a note with a `Lyric` gets `<lyric number="1">` with its `<syllabic>` and `<text>`, and
`<extend/>` after the text where `extend` is true (music21 writes no extenders: such a lyric is
exported under the name `EXTEND_MARK` and rewritten by `lyric_extenders`). A note split into
tied pieces (at a barline, or into written values) carries its lyric on the first piece only;
in a chord, the lyric of its first note that has one.

Percussion parts (role "percussion") are unpitched: a percussion clef, no key
signature, each General MIDI key shown at a fixed staff position and notehead
(`PERCUSSION_DISPLAY`; other keys cycle over the staff).
"""
from __future__ import annotations

import copy
import re
from fractions import Fraction
from pathlib import Path

from music21 import bar as m21bar
from music21 import chord as m21chord
from music21 import clef, duration, expressions, harmony, instrument, metadata, note, spanner, stream, tempo, tie
from music21 import key as m21key
from music21 import meter as m21meter
from music21 import percussion as m21percussion
from music21 import pitch as m21pitch
from music21.musicxml.m21ToXml import GeneralObjectExporter
from music21.stream.makeNotation import makeTupletBrackets

from theory import load_pack
from theory.pitch import LETTER_SEMITONES

from ..score.errors import RenderError
from ..score.notes import Part
from ..score.piece import PieceData
from .aeu import SIGNS as AEU_SIGNS
from .aeu import aeu_spelling
from .musicxml_finish import ALTER_DECIMALS, credits, exact_alters, lyric_extenders
from .musicxml_harmony import triads_with_thirds
from .notation import EXTEND_MARK, LYRIC_SYLLABIC, PERCUSSION_ROLE, percussion_display
from .provenance import PROVENANCE_FIELD, provenance_text

# Written values in quarter notes, longest first: dotted whole .. 128th.
_PLAIN = [Fraction(4, 2 ** k) for k in range(8)]
_DOTTED = [Fraction(6, 2 ** k) for k in range(7)]
NOTATABLE_QUARTERS = tuple(sorted(_PLAIN + _DOTTED, reverse=True))
BASS_CLEF_BELOW_CENTS = 6000.0
QUARTER_TONE_TOLERANCE_CENTS = 0.01

_ACCIDENTAL_NAMES = {
    -2.0: "double-flat", -1.5: "one-and-a-half-flat", -1.0: "flat", -0.5: "half-flat",
    0.5: "half-sharp", 1.0: "sharp", 1.5: "one-and-a-half-sharp", 2.0: "double-sharp",
}
_PERSIAN_XML = re.compile(rb"<accidental>quarter-(flat|sharp)</accidental>")   # music21 writes no koron or sori


def persian_signs(xml: bytes) -> bytes:
    """Quarter-tone accidentals as Vaziri's koron and sori (MusicXML's values), for a dastgah."""
    return _PERSIAN_XML.sub(lambda m: b"<accidental>" + (b"koron" if m.group(1) == b"flat" else b"sori")
                            + b"</accidental>", xml)


def pack_notation(pack: str) -> str:
    """How the pack's tradition writes its notes on a staff (`theory.pack.Pack.notation`)."""
    return "exact" if pack == "western" else load_pack(pack).notation


# Our quality names -> suffixes music21's ChordSymbol reads (and names by the same kind).
CHORD_SYMBOL_SUFFIXES = {
    "maj": "", "min": "m", "dim": "dim", "aug": "aug", "dom7": "7", "maj7": "maj7", "min7": "m7",
    "hdim7": "ø7", "dim7": "dim7", "sus4": "sus4", "sus2": "sus2", "maj6": "6", "min6": "m6",
    "dom9": "9", "min9": "m9", "maj9": "M9",
}
_VARYING_XML = re.compile(rb"<encoding-date>[^<]*</encoding-date>\s*")
COMMA_CENTS = 1200.0 / 53
COMMA_TOLERANCE_CENTS = 0.5
# Whole Holdrian commas of alteration -> MusicXML accidental value (see the module docstring).
COMMA_ACCIDENTALS = {
    1: "sharp-1", 2: "sharp-2", 3: "sharp-3", 5: "slash-quarter-sharp", 8: "slash-sharp",
    -1: "flat-1", -2: "flat-2", -3: "flat-3", -4: "slash-flat", -8: "double-slash-flat",
}
_ARROW_BASES = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}
_LETTERS = "CDEFGAB"


def split_duration(quarters: Fraction) -> list[Fraction]:
    """A duration as written values (longest first) to be joined by ties."""
    quarters = Fraction(quarters)
    if quarters <= 0:
        raise RenderError(f"a duration must be positive, received {quarters} quarter notes")
    den = quarters.denominator
    if den & (den - 1) == 0:  # dyadic: a sum of plain and dotted values
        out, left = [], quarters
        for value in NOTATABLE_QUARTERS:
            while left >= value:
                out.append(value)
                left -= value
        if left == 0:
            return out
    else:
        tuplets = duration.Duration(quarters).tuplets
        if len(tuplets) == 1 and (tuplets[0].numberNotesActual, tuplets[0].numberNotesNormal) == (3, 2):
            return [quarters]
    raise RenderError(f"duration {quarters} quarter notes cannot be written (accepted: sums of whole .. "
                      f"128th values and their dotted forms, or a single triplet value)")


def _natural_octave(cents: float, letter: str, alter: float) -> int:
    return int(round(cents / 100.0 - alter - LETTER_SEMITONES[letter])) // 12 - 1


def _accidental(name: str, alter: float) -> m21pitch.Accidental:
    acc = m21pitch.Accidental()
    acc.set(name, allowNonStandardValue=True)
    acc.set(alter, allowNonStandardValue=True)  # the exact alteration, whatever the sign's nominal one
    return acc


def exact_spelling(cents_pitch, key) -> tuple[str, float, int, str]:
    """(letter, alter in semitones to 4 decimals, octave, MusicXML accidental) of a microtone
    that is not a quarter tone (see the module docstring for the choice of sign)."""
    cents = cents_pitch.cents
    spelling = key.spell(cents_pitch.nearest_midi % 12)
    own = spelling.letter
    i = _LETTERS.index(own)
    options = []
    for rank, letter in enumerate((own, _LETTERS[(i + 1) % 7], _LETTERS[(i - 1) % 7])):
        alter = spelling.alter + cents_pitch.bend_cents / 100.0 if letter == own else None
        if alter is None:
            natural = LETTER_SEMITONES[letter] * 100.0
            alter = ((cents - natural + 600.0) % 1200.0 - 600.0) / 100.0
        commas = alter * 100.0 / COMMA_CENTS
        k = round(commas)
        if abs(commas - k) * COMMA_CENTS <= COMMA_TOLERANCE_CENTS and k in COMMA_ACCIDENTALS:
            options.append((rank > 0, abs(k), rank, letter, alter, COMMA_ACCIDENTALS[k]))
    if options:
        _, _, _, letter, alter, name = min(options)
    else:
        letter, alter = own, spelling.alter + cents_pitch.bend_cents / 100.0
        base = int(round(alter))
        if base not in _ARROW_BASES:
            raise RenderError(f"cannot write alteration {alter:+g} semitones for {cents_pitch}")
        name = _ARROW_BASES[base] + ("-up" if alter > base else "-down")
    alter = round(alter, ALTER_DECIMALS)
    return letter, alter, _natural_octave(cents, letter, alter), name


def m21_pitch(cents_pitch, key, chord=None) -> m21pitch.Pitch:
    """A spelled music21 pitch in `key`, a tone of the sounding `chord` (a theory Chord) spelled as the
    chord spells it, with the signs the key's tradition writes (its pack's `notation`): quarter tones get
    half-sharp/half-flat alters, other microtones an exact decimal alter
    with a Turkish or arrow accidental; a tradition written in letters (a raga, a gamelan, the blues)
    gets the nearest letter and its flat or sharp, and so do the small deviations of a quarter-tone
    tradition's measured profile (`persian_signs` writes a dastgah's as koron and sori); a makam's note
    on 53 commas is written as AEU writes it (`aeu`)."""
    midi, bend = cents_pitch.nearest_midi, cents_pitch.bend_cents
    p = m21pitch.Pitch()
    notation = pack_notation(key.pack)
    aeu = aeu_spelling(cents_pitch.cents, key.tonic_cents) if notation == "aeu" else None
    if aeu is not None:     # a makam's note on its AEU letter and sign (a natural without one)
        letter, commas, octave, alter = aeu
        p.step, p.octave = letter, octave
        if commas:
            p.accidental = _accidental(AEU_SIGNS[commas], round(alter, ALTER_DECIMALS))
        return p
    quarter = abs(abs(bend) - 50.0) < QUARTER_TONE_TOLERANCE_CENTS
    if notation == "letters" or (notation in ("quarter_tones", "koron_sori") and not quarter):
        bend = 0.0      # no microtonal sign where the tradition writes none (the MIDI and audio stay exact)
        quarter = False
    if quarter:
        lower = midi if bend > 0 else midi - 1
        low, high = key.spell(lower % 12), key.spell((lower + 1) % 12)
        if low.alter != 0 and high.alter == 0:
            letter, alter = high.letter, -0.5
        else:
            letter, alter = low.letter, low.alter + 0.5
        natural_midi = lower + 0.5 - alter
    elif abs(bend) >= QUARTER_TONE_TOLERANCE_CENTS:
        letter, alter, octave, name = exact_spelling(cents_pitch, key)
        p.step = letter
        p.accidental = _accidental(name, alter)
        p.octave = octave
        return p
    else:
        spelling = key.spell(midi % 12, chord)
        letter, alter, natural_midi = spelling.letter, float(spelling.alter), midi - spelling.alter
    octave = int(round(natural_midi - LETTER_SEMITONES[letter])) // 12 - 1
    p.step = letter
    if alter:
        name = _ACCIDENTAL_NAMES.get(alter)
        if name is None:
            raise RenderError(f"cannot write alteration {alter:+g} semitones for {cents_pitch}")
        p.accidental = m21pitch.Accidental(name)
    p.octave = octave
    return p


def chord_symbol_figure(chord) -> str:
    """music21's figure for a chord: 'B-maj7', 'Dm7', 'C/E', 'F#ø7'."""
    suffix = CHORD_SYMBOL_SUFFIXES.get(chord.quality)
    if suffix is None:
        raise RenderError(f"no MusicXML chord symbol for quality {chord.quality!r} "
                          f"(accepted: {', '.join(CHORD_SYMBOL_SUFFIXES)})")

    def name(spelling) -> str:
        return spelling.letter + ("#" * spelling.alter if spelling.alter > 0 else "-" * -spelling.alter)

    figure = name(chord.root) + suffix
    if chord.bass is not None and chord.bass.semitones != chord.root.semitones:
        figure += "/" + name(chord.bass)
    return figure


def _bar_segments(part: Part, bar_q: Fraction, n_bars: int) -> list[list[tuple]]:
    """Per bar: (start in bar, duration, note, tie_in, tie_out), notes split at barlines."""
    bars: list[list[tuple]] = [[] for _ in range(n_bars)]
    for n in part.sorted_notes():
        if n.duration <= 0:
            raise RenderError(f"part {part.name!r}: note at {n.offset} has duration {n.duration} (must be > 0)")
        if n.offset < 0:
            raise RenderError(f"part {part.name!r}: note offset {n.offset} is before the start")
        start, first = Fraction(n.offset), True
        while start < n.end:
            bar = int(start // bar_q)
            seg_end = min(n.end, (bar + 1) * bar_q)
            bars[bar].append((start - bar * bar_q, seg_end - start, n, not first, seg_end < n.end))
            start, first = seg_end, False
    return bars


def _voices(segments: list[tuple]) -> list[list[tuple[Fraction, Fraction, list[tuple]]]]:
    """Group segments into chords (same start and length), then chords into voices, greedily."""
    groups: dict[tuple[Fraction, Fraction], list[tuple]] = {}
    for seg in segments:
        members = groups.setdefault((seg[0], seg[1]), [])
        if all(m[2].pitch != seg[2].pitch for m in members):
            members.append(seg)
    voices: list[list] = []
    ends: list[Fraction] = []
    for (start, length), members in sorted(groups.items(), key=lambda g: (g[0][0], -g[0][1])):
        for i, end in enumerate(ends):
            if end <= start:
                break
        else:
            voices.append([])
            ends.append(Fraction(0))
            i = len(voices) - 1
        voices[i].append((start, length, sorted(members, key=lambda m: m[2].pitch.cents)))
        ends[i] = start + length
    return voices


def _tie_type(tie_in: bool, tie_out: bool) -> str | None:
    return {(False, True): "start", (True, True): "continue", (True, False): "stop"}.get((tie_in, tie_out))


def _sounding(members: list[tuple], length: Fraction, piece: PieceData, first: bool, last: bool,
              percussive: bool = False, fermatas: frozenset = frozenset()):
    pieces = []
    for m in members:
        if percussive:
            display, head = percussion_display(m[2].pitch.nearest_midi)
            n = note.Unpitched(displayName=display)
            if head != "normal":
                n.notehead = head
        else:
            event = piece.chord_at(m[2].offset)
            n = note.Note(m21_pitch(m[2].pitch, piece.key_at(m[2].offset), event.chord if event else None))
        n.duration = duration.Duration(length)
        n.volume.velocity = m[2].velocity
        kind = _tie_type(m[3] or not first, m[4] or not last)
        if kind:
            n.tie = tie.Tie(kind)
        pieces.append(n)
    if len(pieces) == 1:
        out = pieces[0]
    elif percussive:
        out = m21percussion.PercussionChord(pieces, duration=duration.Duration(length))
    else:
        out = m21chord.Chord(pieces, duration=duration.Duration(length))
    if first:
        lyric = next((m[2].lyric for m in members if m[2].lyric is not None and not m[3]), None)
        if lyric is not None:
            out.lyrics.append(m21_lyric(lyric))
        if any(m[2].offset in fermatas and not m[3] for m in members):
            out.expressions.append(expressions.Fermata())
    ornament = members[0][2].ornament if len(members) == 1 and not percussive else None
    if ornament is not None:
        if first and not members[0][3] and ornament.name in ORNAMENT_SIGNS:
            out.expressions.append(ORNAMENT_SIGNS[ornament.name]())
            out.partita_ornament = ornament.name    # `_ornaments` names it above the staff
        if last and not members[0][4] and ornament.name in GLIDES:
            out.partita_glide = ornament.name       # `_glides` draws the slide to the next note
    return out


# An ornament's sign in notation: an oscillation a trill or a shake, a strike a mordent; a glide is a slide
# (`<slide>`) from its note to the next, with the ornament's name as its label.
ORNAMENT_SIGNS = {"trill": expressions.Trill, "kampita": expressions.Shake, "andolan": expressions.Shake,
                  "carpma": expressions.InvertedMordent}
GLIDES = ("meend", "slide")
ORNAMENT_WORDS = {"carpma": "çarpma"}


def _ornaments(m21part: stream.Part) -> None:
    """Each ornament's name above its note (`andolan`, `kampita`, `çarpma`: the sign alone does not say
    which), and a `<slide>` from every note that glides into the next (an ornament `GLIDES` names)."""
    notes = list(m21part.recurse().notes)
    for n in notes:
        name = getattr(n, "partita_ornament", None)
        if name:
            words = expressions.TextExpression(ORNAMENT_WORDS.get(name, name))
            words.placement = "above"
            n.activeSite.insert(n.offset, words)
    for n, following in zip(notes, notes[1:]):
        name = getattr(n, "partita_glide", None)
        if name:
            glide = spanner.Glissando([n, following], lineType="solid", label=name)
            glide.slideType = "continuous"
            m21part.insert(0, glide)


def fermata_onsets(piece: PieceData) -> frozenset:
    """Where a chorale (texture: satb) holds its cadences: the onset of the melody's last note in each
    phrase, in every voice. Other textures have none."""
    spec, plan = piece.spec, piece.plan
    if spec is None or plan is None or getattr(spec, "texture", "accompanied") != "satb":
        return frozenset()
    melody = next((p for p in piece.parts if p.role == "melody"), None)
    if melody is None:
        return frozenset()
    onsets = sorted(n.offset for n in melody.notes)
    out = set()
    for phrase in plan.phrases:
        end = phrase.end(plan.meter)
        before = [t for t in onsets if t < end]
        if before:
            out.add(before[-1])
    return frozenset(out)


def m21_lyric(lyric) -> note.Lyric:
    """A music21 lyric (verse 1) for our `Lyric`; an extender is marked for `_lyric_xml` to write."""
    if lyric.syllabic not in LYRIC_SYLLABIC:
        raise RenderError(f"lyric {lyric.text!r}: syllabic {lyric.syllabic!r} is not one of "
                          f"{', '.join(LYRIC_SYLLABIC)}")
    out = note.Lyric(lyric.text, number=1, syllabic=lyric.syllabic, applyRaw=True)
    if lyric.extend:
        out.identifier = EXTEND_MARK
    return out


def _fill_voice(container, voice: list, bar_q: Fraction, piece: PieceData, percussive: bool = False,
                fermatas: frozenset = frozenset()) -> None:
    """Insert the voice's chords and the rests between them so it sums to the bar."""
    pos = Fraction(0)
    for start, length, members in voice + [(bar_q, Fraction(0), [])]:
        if start > pos:
            for value in split_duration(start - pos):
                container.insert(pos, note.Rest(quarterLength=value))
                pos += value
        if not members:
            break
        values = split_duration(length)
        for i, value in enumerate(values):
            container.insert(pos, _sounding(members, value, piece, i == 0, i == len(values) - 1, percussive, fermatas))
            pos += value
    if any(el.duration.tuplets for el in container.notesAndRests):
        makeTupletBrackets(container, inPlace=True)


def _mark_accidentals(measure: stream.Measure, fifths: int) -> None:
    """Show an accidental only where the signature or an earlier note of the bar does not imply it."""
    implied = {p.step: p.accidental.alter for p in m21key.KeySignature(fifths).alteredPitches}
    heads = []
    for el in measure.recurse().notes:
        if not isinstance(el, harmony.Harmony):
            offset = el.getOffsetInHierarchy(measure)
            heads.extend((offset, head) for head in (el.notes if el.isChord else [el]))
    heads.sort(key=lambda h: h[0])
    for _, head in heads:
        p = head.pitch
        alter = p.accidental.alter if p.accidental is not None else 0.0
        place = (p.step, p.octave)
        tied_over = head.tie is not None and head.tie.type in ("stop", "continue")
        if (alter * 2) % 1:  # exact microtone: music21 cannot read a bare decimal <alter> back
            p.accidental.displayStatus = True
        elif tied_over or alter == implied.get(place, implied.get(p.step, 0.0)):
            if p.accidental is not None:
                p.accidental.displayStatus = False
        else:
            if p.accidental is None:
                p.accidental = m21pitch.Accidental("natural")
            p.accidental.displayStatus = True
        implied[place] = alter


def _clef_for(part: Part) -> clef.Clef:
    if part.role == PERCUSSION_ROLE:
        return clef.PercussionClef()
    low = sum(1 for n in part.notes if n.pitch.cents < BASS_CLEF_BELOW_CENTS)
    return clef.BassClef() if low * 2 > len(part.notes) else clef.TrebleClef()


def _m21_instrument(part: Part, index: int) -> instrument.Instrument:
    inst = instrument.Instrument()
    inst.partName = part.name
    inst.instrumentName = part.instrument.name
    inst.midiProgram = part.instrument.program
    inst.partId = f"P{index + 1}"
    inst.instrumentId = f"P{index + 1}-I1"
    if part.role == PERCUSSION_ROLE:
        inst.midiChannel = 9
    return inst


def to_music21(piece: PieceData) -> stream.Score:
    """The piece as a music21 Score with full measures, ready for makeNotation=False export."""
    bar_q = piece.meter.bar_quarters
    last_end = max((n.end for p in piece.parts for n in p.notes), default=Fraction(0))
    n_bars = max(piece.bars, -(-last_end // bar_q), 1)
    key_bars: dict[int, int] = {}
    for change in sorted(piece.keys, key=lambda c: c.offset):
        key_bars[int(change.offset // bar_q)] = change.key.fifths
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = piece.title
    composer = getattr(piece.spec, "composer", None)
    if composer:
        score.metadata.composer = composer
    carried = provenance_text(piece)
    if carried is not None:
        score.metadata.addCustom(PROVENANCE_FIELD, carried)
    melody = next((i for i, p in enumerate(piece.parts) if p.role == "melody"), 0)
    fermatas = fermata_onsets(piece)
    for index, part in enumerate(piece.parts):
        m21part = stream.Part(id=f"P{index + 1}")
        m21part.partName = part.name
        m21part.insert(0, _m21_instrument(part, index))
        fifths = None
        percussive = part.role == PERCUSSION_ROLE
        for bar, segments in enumerate(_bar_segments(part, bar_q, n_bars)):
            measure = stream.Measure(number=bar + 1)
            if bar == 0:
                measure.insert(0, _clef_for(part))
            bar_fifths = key_bars.get(bar, fifths if bar else piece.key.fifths)
            if bar_fifths != fifths and not percussive:
                measure.insert(0, m21key.KeySignature(bar_fifths))
                fifths = bar_fifths
            if bar == 0:
                measure.insert(0, time_signature(piece.meter))
                if index == 0:
                    measure.insert(0, tempo.MetronomeMark(number=piece.tempo_bpm, referent=duration.Duration(1)))
            voices = _voices(segments) or [[]]
            if len(voices) == 1:
                _fill_voice(measure, voices[0], bar_q, piece, percussive, fermatas)
            else:
                for number, voice in enumerate(voices, start=1):
                    v = stream.Voice(id=str(number))
                    _fill_voice(v, voice, bar_q, piece, percussive, fermatas)
                    measure.insert(0, v)
            if index == melody:
                for words in _free_rhythm_words(piece, bar):
                    measure.insert(0, words)
            if not percussive:
                _mark_accidentals(measure, fifths)
            if bar == n_bars - 1:
                measure.rightBarline = m21bar.Barline("final")
            m21part.insert(bar * bar_q, measure)
        m21part.makeBeams(inPlace=True)
        _ornaments(m21part)
        if index == melody:
            _insert_chord_symbols(piece, m21part, bar_q)
        score.insert(0, m21part)
    return score


def time_signature(meter) -> "m21meter.TimeSignature":
    """The meter's time signature, beamed by its groups: each beat of a meter counted in quarters (a
    teentaal cycle's 16 beats, 4 of them to a vibhag, beam as 16 quarters do), each group of a meter
    counted in eighths (7/8 as 2+2+3, an aksak 9/8 as 2+2+2+3)."""
    ts = m21meter.TimeSignature(f"{meter.numerator}/{meter.denominator}")
    if meter.denominator <= 4:
        groups = [f"1/{meter.denominator}"] * meter.numerator
    else:
        groups = [f"{g}/{meter.denominator}" for g in meter.grouping]
    ts.beamSequence = m21meter.MeterSequence("+".join(groups))
    return ts


def _free_rhythm_words(piece: PieceData, bar: int) -> list:
    """Above the melody: where an unmetered opening (an alap, a taqsim) begins, and where the cycle begins
    after it."""
    plan = getattr(piece, "plan", None)
    free = plan.unmetered_bars if plan is not None else range(0)
    if not free or bar not in (free.start, free.stop):
        return []
    if bar == free.start:
        text = f"{plan.sections[0].name}: free rhythm, senza misura"
    else:
        text = f"{plan.cycle or 'a tempo'}: the cycle begins"
    words = expressions.TextExpression(text)
    words.placement = "above"
    return [words]


def _insert_chord_symbols(piece: PieceData, m21part: stream.Part, bar_q: Fraction) -> None:
    measures = list(m21part.getElementsByClass(stream.Measure))
    prototypes: dict[str, harmony.ChordSymbol] = {}  # parsing a figure costs ~4 ms, copying ~0.5 ms
    for event in piece.chords:
        bar = int(event.offset // bar_q)
        if bar >= len(measures):
            continue
        figure = chord_symbol_figure(event.chord)
        if figure not in prototypes:
            proto = harmony.ChordSymbol(figure)
            proto.writeAsChord = False
            proto.duration = duration.Duration(0)
            prototypes[figure] = proto
        measures[bar].insert(event.offset - bar * bar_q, copy.deepcopy(prototypes[figure]))


def measure_fill_problems(score: stream.Score, bar_quarters: Fraction) -> list[str]:
    """Measures (per voice) whose notes and rests do not sum to the bar; [] when all are full."""
    problems = []
    for p_index, part in enumerate(score.parts):
        for m in part.getElementsByClass(stream.Measure):
            holders = list(m.voices) or [m]
            for holder in holders:
                total = sum(Fraction(e.quarterLength).limit_denominator(10000)
                            for e in holder.getElementsByClass(note.GeneralNote)
                            if not isinstance(e, harmony.Harmony))
                if total != bar_quarters:
                    problems.append(f"part {p_index + 1} measure {m.number} voice {getattr(holder, 'id', '')}: "
                                    f"{total} quarter notes, bar is {bar_quarters}")
    return problems


def musicxml_bytes(piece: PieceData) -> bytes:
    """The piece as MusicXML, identical bytes for the same piece (no encoding date)."""
    exporter = GeneralObjectExporter(to_music21(piece))
    exporter.makeNotation = False
    xml = credits(triads_with_thirds(lyric_extenders(exact_alters(_VARYING_XML.sub(b"", exporter.parse())))))
    return persian_signs(xml) if pack_notation(piece.key.pack) == "koron_sori" else xml


def write_musicxml(piece: PieceData, path) -> str:
    """Write the piece as MusicXML at `path`; returns the path."""
    Path(path).write_bytes(musicxml_bytes(piece))
    return str(path)
