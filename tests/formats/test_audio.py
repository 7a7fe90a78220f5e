"""Audio renderer: WAV format and length at the piece's tempo, exact microtonal pitch, determinism."""
from __future__ import annotations

import io
import shutil
import subprocess
import wave
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

import composer
from composer.formats.audio import RELEASE_S, render_audio, wav_bytes, write_wav
from composer.formats.midi import midi_bytes
from composer.piece import Instrument, KeyChange, Note, Part, Piece
from theory import Key, Meter, Pitch

SR = 22050
VIOLIN = Instrument("Violin", 40, Pitch.from_name("G3"), Pitch.from_name("E7"))


@pytest.fixture(scope="module")
def composed():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = composer.compose(str(ROOT / "examples" / f"{name}.yaml"))
        return cache[name]
    return get


def one_note_piece(cents: float, seconds: float = 4.0, role: str = "melody", tempo: float = 60.0) -> Piece:
    quarters = F(seconds * tempo / 60).limit_denominator(1000)
    bars = int(-(-quarters // 4))
    part = Part("Solo", role, VIOLIN, [Note(F(0), quarters, Pitch(float(cents)), 90)])
    return Piece("One note", Meter.parse("4/4"), tempo, bars, [part], [], [KeyChange(F(0), Key.parse("C major"))])


def fundamental_hz(samples: np.ndarray, sr: int) -> float:
    """The strongest spectral peak of the steady middle (Hann window, zero padding, parabolic
    interpolation of the log magnitude around the peak bin)."""
    n = len(samples)
    middle = samples[n // 4: 3 * n // 4].astype(np.float64)
    middle = (middle - middle.mean()) * np.hanning(len(middle))
    size = 1 << 20
    spectrum = np.log(np.abs(np.fft.rfft(middle, size)) + 1e-12)
    k = int(np.argmax(spectrum[1:-1])) + 1
    a, b, c = spectrum[k - 1], spectrum[k], spectrum[k + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + shift) * sr / size


def cents_off(measured: float, target: float) -> float:
    return 1200.0 * np.log2(measured / target)


def read_wav(data: bytes):
    with wave.open(io.BytesIO(data), "rb") as w:
        return w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()


@pytest.mark.parametrize("name", ["minuet_in_g", "raga_yaman_teentaal"])
def test_wav_format_and_length_at_tempo(composed, name):
    piece = composed(name)
    rate, width, channels, frames = read_wav(wav_bytes(piece))
    assert (rate, width, channels) == (SR, 2, 1)
    expected = float(piece.length_quarters) * 60.0 / piece.tempo_bpm
    seconds = frames / rate
    assert expected * 0.99 <= seconds <= expected * 1.01 + RELEASE_S


def test_tempi_differ_and_lengths_follow_them(composed):
    a, b = composed("minuet_in_g"), composed("raga_yaman_teentaal")
    assert a.tempo_bpm != b.tempo_bpm
    for piece in (a, b):
        frames = len(render_audio(piece, 8000))
        assert abs(frames / 8000 - float(piece.length_quarters) * 60 / piece.tempo_bpm) <= RELEASE_S + 0.01


@pytest.mark.parametrize("cents", [6950.0, 6000.0 + 3 * 1200.0 / 53, 6000.0 + 1200.0 * 7 / 53 + 17.3])
def test_microtonal_note_sounds_at_its_exact_frequency(cents):
    target = Pitch(cents).frequency_hz
    samples = render_audio(one_note_piece(cents), SR)
    assert abs(len(samples) / SR - 4.0) <= RELEASE_S + 0.01
    assert abs(cents_off(fundamental_hz(samples, SR), target)) < 5.0


def test_quarter_tone_of_a_composed_maqam_in_isolation(composed):
    piece = composed("maqam_rast_maqsum")
    quarter_tones = [n for n in piece.part("melody").sorted_notes()
                     if abs((n.pitch.cents % 100) - 50) < 1e-6]
    assert quarter_tones, "Rast should have its neutral third or seventh"
    note = quarter_tones[0]
    solo = Part("Violin", "melody", VIOLIN, [Note(F(0), F(4), note.pitch, note.velocity)])
    alone = Piece("Rast note", Meter.parse("4/4"), 60.0, 1, [solo], [], [KeyChange(F(0), piece.key)])
    samples = render_audio(alone, SR)
    assert abs(cents_off(fundamental_hz(samples, SR), note.pitch.frequency_hz)) < 5.0


def test_every_role_renders_its_pitch_or_sound():
    for role in ("chords", "bass", "drone"):
        samples = render_audio(one_note_piece(4350.0, 3.0, role), SR)
        assert abs(cents_off(fundamental_hz(samples, SR), Pitch(4350.0).frequency_hz)) < 5.0
    drums = one_note_piece(3600.0, 1.0, "percussion")
    drums.parts[0].notes += [Note(F(1, 4), F(1, 4), Pitch(k * 100.0), 100) for k in (38, 42, 49, 60, 63)]
    samples = render_audio(drums, SR)
    assert np.all(np.isfinite(samples)) and np.max(np.abs(samples)) == pytest.approx(0.9, abs=1e-3)


def test_deterministic_bounded_and_finite(composed):
    piece = composed("raga_yaman_teentaal")   # melody, drone and percussion noise
    first, second = wav_bytes(piece), wav_bytes(piece)
    assert first == second
    samples = render_audio(piece)
    assert samples.dtype == np.float32
    assert np.all(np.isfinite(samples))
    assert 0.5 < float(np.max(np.abs(samples))) <= 0.9 + 1e-6 <= 1.0


def test_velocity_scales_amplitude():
    loud = one_note_piece(6000.0, 1.0)
    soft_note = Note(F(4), F(1), Pitch(6000.0), 40)
    loud.parts[0].notes.append(soft_note)
    loud.bars = 2
    samples = render_audio(loud, SR)
    first, second = samples[SR // 4: SR // 2], samples[SR * 4 + SR // 4: SR * 4 + SR // 2]
    assert np.max(np.abs(second)) < 0.5 * np.max(np.abs(first))


def test_empty_piece_is_silence():
    piece = one_note_piece(6000.0)
    piece.parts[0].notes.clear()
    samples = render_audio(piece, 8000)
    assert len(samples) == 4 * 8000 and not np.any(samples)


def test_write_wav(tmp_path):
    path = write_wav(one_note_piece(6950.0, 1.0), tmp_path / "note.wav", 16000)
    with wave.open(path, "rb") as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (16000, 2, 1)


def test_32_bar_song_renders_every_part(composed):
    """A 32-bar song of three parts renders to its full length (how long it takes: benchmarks/bench_compose.py)."""
    piece = composed("aaba_song")
    assert piece.bars == 32 and len(piece.parts) == 3
    audio = render_audio(piece, 8000)
    expected = float(piece.length_quarters) * 60.0 / piece.tempo_bpm
    assert abs(audio.size / 8000 - expected) <= RELEASE_S + 0.01
    for part in piece.parts:        # every part sounds: a second of its first note is not silent
        first = min(part.notes, key=lambda n: n.offset) if part.notes else None
        if first is not None:
            at = int(float(first.offset) * 60.0 / piece.tempo_bpm * 8000)
            assert np.abs(audio[at:at + 8000]).max() > 0.01


SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
SQUARE = Instrument("Square lead", 80, Pitch.from_name("C2"), Pitch.from_name("C8"))   # one sample, in tune
FLUIDSYNTH = shutil.which("fluidsynth") is not None and SOUNDFONT.exists()


def fluidsynth_hz(tmp_path, cents: float, tuning: str) -> float:
    """The pitch FluidSynth plays a 4-second note at `cents` (above MIDI 0), written with `tuning`."""
    part = Part("Solo", "melody", SQUARE, [Note(F(0), F(4), Pitch(cents), 100)])
    piece = Piece("One note", Meter.parse("4/4"), 60, 1, [part], [], [KeyChange(F(0), Key.parse("C major"))])
    mid, wav = tmp_path / f"{tuning}{cents}.mid", tmp_path / f"{tuning}{cents}.wav"
    mid.write_bytes(midi_bytes(piece, tuning=tuning))
    subprocess.run(["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.6", "-r", "44100", "-F", str(wav),
                    str(SOUNDFONT), str(mid)], check=True, capture_output=True, timeout=120)
    with wave.open(str(wav), "rb") as w:
        rate, channels = w.getframerate(), w.getnchannels()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, channels)[:, 0]
    return fundamental_hz(samples[: int(3.5 * rate)], rate)      # the note, before its release


@pytest.mark.skipif(not FLUIDSYNTH, reason="FluidSynth or its GM soundfont (Debian fluidsynth, fluid-soundfont-gm) "
                                           "is not installed")
@pytest.mark.parametrize("tuning", ["mts", "bend"])
@pytest.mark.parametrize("cents", [7853.0, 8171.0])      # between the keys: a quarter tone up, 29 cents down
def test_fluidsynth_plays_each_midi_tuning_at_its_pitch(tmp_path, tuning, cents):
    """A real synthesizer plays the file at the written pitch, against its own playing of the nearest key:
    with MTS the channel selects the retuned tuning program (RPN 3 and 4), with bends the bend range is set."""
    key = round(cents / 100.0) * 100.0
    heard = cents_off(fluidsynth_hz(tmp_path, cents, tuning), fluidsynth_hz(tmp_path, key, tuning))
    assert abs(heard - (cents - key)) <= 2.0
