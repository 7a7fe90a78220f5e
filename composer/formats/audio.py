"""Audio: a small deterministic additive synth in numpy, written as 16-bit PCM WAV.

Every note sounds at its exact frequency (`Pitch.frequency_hz`, so microtones are never
rounded); seconds exist only here: `quarters * 60 / piece.tempo_bpm`. Each part role has a
timbre (melody: bright harmonics with a gentle decay; chords and bass: softer, rounder;
drone: a sustained tanpura-like tone; percussion: damped sines and filtered noise by General
MIDI key, the noise drawn from `numpy.random.default_rng(key)`). Notes get an ADSR envelope
(8 ms attack, a release of at most 0.25 s after the note ends); velocity scales amplitude;
the mix is normalised to a peak of 0.9. The same piece always gives the same bytes.
"""
from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

RELEASE_S = 0.25   # the longest tail a note may ring after its end
ATTACK_S = 0.008
PEAK = 0.9

# role -> (harmonic amplitudes, extra decay per second of harmonic k (times k-1), release s,
#          decay to sustain: (sustain level, time constant s), part gain)
_TIMBRES = {
    "melody": ((1.0, 0.45, 0.28, 0.16, 0.09, 0.05), 1.2, 0.12, (0.7, 0.35), 0.85),
    "chords": ((1.0, 0.22, 0.08, 0.03), 1.5, 0.2, (0.6, 0.5), 0.32),
    "bass": ((1.0, 0.35, 0.12, 0.05), 2.0, 0.1, (0.65, 0.4), 0.6),
    "drone": ((1.0, 0.7, 0.55, 0.45, 0.35, 0.28, 0.2, 0.14, 0.1), 0.0, 0.25, (0.9, 1.0), 0.25),
}
_PERCUSSION_GAIN = 0.5
# Slow, incommensurate shimmer rates (Hz) of the drone's harmonics: the tanpura's jawari sweep.
_DRONE_SHIMMER = (0.0, 0.37, 0.53, 0.71, 0.89, 1.13, 1.31, 1.57, 1.79)


def _seconds_per_quarter(piece) -> float:
    return 60.0 / float(piece.tempo_bpm)


def _envelope(n: int, gate: int, sr: int, sustain) -> np.ndarray:
    """Attack-decay-sustain while the gate is open (gate samples), then a linear release to 0 at n."""
    t = np.arange(n, dtype=np.float64) / sr
    attack = max(1.0 / sr, min(ATTACK_S, 0.5 * gate / sr))
    level, tau = sustain
    env = np.minimum(t / attack, 1.0) * (level + (1.0 - level) * np.exp(-np.maximum(t - attack, 0.0) / tau))
    if n > gate:
        rel = max(n - gate, 1)
        env[gate:] *= np.maximum(1.0 - np.arange(n - gate) / rel, 0.0)
    return env


def _tone(freq: float, n: int, gate: int, sr: int, role: str, glide: np.ndarray | None = None) -> np.ndarray:
    """Additive tone: sin(kx) by the Chebyshev recurrence (one sine, one cosine per note). `glide`: the
    frequency of every sample (an ornament's pitch curve), instead of `freq` throughout."""
    harmonics, hdecay, _, sustain, _ = _TIMBRES.get(role, _TIMBRES["melody"])
    t = np.arange(n, dtype=np.float64) / sr
    if glide is None:
        x = (2.0 * np.pi * freq) * t
    else:
        x = 2.0 * np.pi * np.concatenate(([0.0], np.cumsum(glide[:-1]))) / sr
        freq = float(glide.max())
    prev, cur, two_cos = np.zeros(n), np.sin(x), 2.0 * np.cos(x)
    out = harmonics[0] * cur
    decay = np.exp(-hdecay * t) if hdecay else None
    weight = np.ones(n) if hdecay else None
    for k, amp in enumerate(harmonics[1:], start=2):
        if freq * k >= 0.45 * sr:
            break
        prev, cur = cur, np.subtract(two_cos * cur, prev, out=prev)   # sin(kx)
        partial = amp * cur
        if decay is not None:
            weight *= decay
            partial *= weight
        if role == "drone":
            partial *= 0.75 + 0.25 * np.sin(2.0 * np.pi * _DRONE_SHIMMER[k - 1] * t + k)
        out += partial
    return out * _envelope(n, gate, sr, sustain)


def _glide(note, n: int, gate: int) -> np.ndarray:
    """The frequency of each of a note's `n` samples along its ornament's curve (held at the curve's end
    after the gate closes)."""
    shares = np.minimum(np.arange(n, dtype=np.float64) / gate, 1.0)
    times = np.array([t for t, _ in note.ornament.points])
    cents = np.array([c for _, c in note.ornament.points])
    curve = np.interp(shares, times, cents)
    return note.pitch.frequency_hz * 2.0 ** ((curve - note.pitch.cents) / 1200.0)


def _lowpass(x: np.ndarray, width: int) -> np.ndarray:
    return np.convolve(x, np.ones(width) / width, mode="same") if width > 1 else x


def _drum(key: int, sr: int) -> np.ndarray:
    """One hit of General MIDI percussion key `key`: damped sines and filtered noise, peak ~1."""
    rng = np.random.default_rng(key)
    if key in (35, 36):                                   # kick: falling sine
        n = int(0.3 * sr)
        t = np.arange(n) / sr
        freq = 50.0 + 70.0 * np.exp(-t / 0.03)
        sig = np.sin(2.0 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / 0.12)
    elif key in (37, 38, 39, 40):                         # snare, clap, side stick
        n = int(0.2 * sr)
        t = np.arange(n) / sr
        noise = _lowpass(rng.standard_normal(n), 2)
        sig = 0.6 * noise * np.exp(-t / 0.05) + 0.6 * np.sin(2 * np.pi * 185.0 * t) * np.exp(-t / 0.04)
    elif key in (42, 44, 46, 49, 51, 52, 53, 55, 57, 59):  # hi-hats and cymbals: high-passed noise
        long = key in (46, 49, 52, 55, 57)
        n = int((0.25 if long else 0.08) * sr)
        t = np.arange(n) / sr
        noise = np.diff(rng.standard_normal(n + 1))
        sig = 0.5 * noise * np.exp(-t / (0.07 if long else 0.025))
    else:                                                 # toms, hand drums, bells: damped sine by key
        n = int(0.25 * sr)
        t = np.arange(n) / sr
        freq = 80.0 * 2.0 ** ((key - 35) / 16.0)
        noise = _lowpass(rng.standard_normal(n), 4)
        sig = (np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2.7 * freq * t)) * np.exp(-t / 0.09)
        sig += 0.25 * noise * np.exp(-t / 0.015)
    edge = max(1, int(0.002 * sr))
    sig[:edge] *= np.linspace(0.0, 1.0, edge)            # click-free onset
    sig[-4 * edge:] *= np.linspace(1.0, 0.0, 4 * edge)   # and end
    peak = np.max(np.abs(sig))
    return sig / peak if peak > 0 else sig


def render_audio(piece, sample_rate: int = 22050) -> np.ndarray:
    """The piece as float32 mono samples in [-1, 1] at `sample_rate` (peak normalised to 0.9).

    Length: the piece (`length_quarters` at its tempo) plus the final release, at most 0.25 s."""
    sr = int(sample_rate)
    if sr <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate!r}")
    spq = _seconds_per_quarter(piece)
    piece_n = int(round(float(piece.length_quarters) * spq * sr))
    sound_end = piece_n
    events = []   # (start, gate, n, role, note)
    for part in piece.parts:
        role = part.role
        release = RELEASE_S if role == "percussion" else _TIMBRES.get(role, _TIMBRES["melody"])[2]
        for note in part.notes:
            start = int(round(float(note.offset) * spq * sr))
            gate = max(1, int(round(float(note.duration) * spq * sr)))
            n = gate + int(round(min(release, RELEASE_S) * sr))
            events.append((start, gate, n, role, note))
            sound_end = max(sound_end, start + n)
    total = min(sound_end, piece_n + int(RELEASE_S * sr))
    mix = np.zeros(total, dtype=np.float64)
    drums: dict[int, np.ndarray] = {}
    tones: dict[tuple, np.ndarray] = {}
    for start, gate, n, role, note in events:
        if start >= total:
            continue
        amp = max(0, min(127, note.velocity)) / 127.0
        if role == "percussion":
            key = int(round(note.pitch.cents / 100.0))
            if key not in drums:
                drums[key] = _drum(key, sr)
            sig = drums[key][: min(len(drums[key]), n)] * (amp * _PERCUSSION_GAIN)
        else:
            gain = _TIMBRES.get(role, _TIMBRES["melody"])[4]
            shape = (role, note.pitch.cents, gate, min(n, total - start))   # repeated notes share a tone
            if note.ornament is not None:
                sig = _tone(note.pitch.frequency_hz, shape[3], gate, sr, role,
                            _glide(note, shape[3], gate)) * (amp * gain)
            else:
                if shape not in tones:
                    tones[shape] = _tone(note.pitch.frequency_hz, shape[3], gate, sr, role)
                sig = tones[shape] * (amp * gain)
        end = min(total, start + len(sig))
        mix[start:end] += sig[: end - start]
    peak = float(np.max(np.abs(mix))) if total else 0.0
    if peak > 0:
        mix *= PEAK / peak
    return np.clip(mix, -1.0, 1.0).astype(np.float32)


def wav_bytes(piece, sample_rate: int = 22050) -> bytes:
    """The piece as a 16-bit PCM mono RIFF/WAVE file (bytes)."""
    samples = render_audio(piece, sample_rate)
    pcm = np.round(samples.astype(np.float64) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(piece, path, sample_rate: int = 22050) -> str:
    """Write the piece as a WAV file at `path`; returns the path."""
    Path(path).write_bytes(wav_bytes(piece, sample_rate))
    return str(path)
