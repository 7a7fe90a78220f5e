"""Turkish makam notes as the Arel-Ezgi-Uzdilek (AEU) system writes them: each note on the letter whose
natural lies fewest Holdrian commas (1200/53 cents) away, with the AEU sign for that many commas.

AEU's naturals are 53-comma positions (C 0, D 9, E 18, F 22, G 31, A 40, B 49 commas above C): a natural
is written as a plain letter, a few cents from the piano's. Its signs, by commas (MusicXML 4.0's value,
as the SymbTr corpus writes them): koma +1 `quarter-sharp`, -1 `quarter-flat`; bakiye +4 `sharp`, -4
`slash-flat`; kucuk mucennep +5 `slash-quarter-sharp`, -5 `flat`; buyuk mucennep +8 `slash-sharp`, -8
`double-slash-flat`. So segah, one comma below B, is B with a koma flat, not A with a slashed sharp.
"""
from __future__ import annotations

COMMA_CENTS = 1200.0 / 53
NATURAL_COMMAS = {"C": 0, "D": 9, "E": 18, "F": 22, "G": 31, "A": 40, "B": 49}
SIGNS = {1: "quarter-sharp", -1: "quarter-flat", 4: "sharp", -4: "slash-flat", 5: "slash-quarter-sharp",
         -5: "flat", 8: "slash-sharp", -8: "double-slash-flat"}
LETTER_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
TOLERANCE_CENTS = 0.5


def aeu_spelling(cents: float, tonic: float) -> tuple[str, int, int, float] | None:
    """(letter, commas from its AEU natural, octave, alter in semitones from the letter's 12-EDO pitch) of
    a pitch `cents` above MIDI 0 (C-1) in a makam whose karar sounds at `tonic` (cents above MIDI 0), or
    None where the pitch is no whole number of commas from the karar. The karar stands on the comma
    nearest to it (A on 40 commas above C, G on 31)."""
    steps = (cents - tonic) / COMMA_CENTS
    if abs(steps - round(steps)) * COMMA_CENTS > TOLERANCE_CENTS:
        return None
    n = round(tonic / COMMA_CENTS) + round(steps)          # commas above C-1
    best = None
    for letter, natural in NATURAL_COMMAS.items():
        octave_commas = 53 * round((n - natural) / 53)
        k = n - natural - octave_commas
        if k != 0 and k not in SIGNS:
            continue
        rank = (abs(k), k < 0)
        if best is None or rank < best[0]:
            octave = octave_commas // 53 - 1
            letter_cents = (octave + 1) * 1200.0 + LETTER_SEMITONES[letter] * 100.0
            best = (rank, letter, k, octave, (cents - letter_cents) / 100.0)
    return None if best is None else best[1:]
