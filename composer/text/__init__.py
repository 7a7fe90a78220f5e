"""Words to sing: lyrics read into syllables (`lyrics`), English syllables and stress (`syllables`), and
the rhythm that sets a line with its stressed syllables on strong beats (`lyric_rhythm`).
"""
from .lyric_rhythm import lyric_rhythm, onset_strengths, stress_alignment
from .lyrics import Syllable, note_lyrics, parse_lyrics
from .syllables import syllabify, word_stress

__all__ = ["Syllable", "lyric_rhythm", "note_lyrics", "onset_strengths", "parse_lyrics", "stress_alignment",
           "syllabify", "word_stress"]
