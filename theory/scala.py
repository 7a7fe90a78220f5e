"""Scala tuning files (.scl): read them as a `Tuning`, write a `Tuning` as one.

The format (Manuel Op de Coul, huygens-fokker.org/scala/scl_format.html):

* a plain text file holding one scale; lines beginning with ``!`` are comments;
* the first other line is a description (it may be empty);
* the next is the number of notes N (0 is allowed by Scala, but a tuning needs a period);
* then N pitch lines, one pitch each: a value containing a period (``.``) is in cents,
  otherwise it is a ratio ``a/b`` or a bare integer ``n`` (= ``n/1``); anything after the
  value on the line is ignored; numerator and denominator lie in 1..2**31-1;
* the unison 1/1 (0 cents) is implied and not listed; the last pitch is the period,
  normally the octave (``2/1`` or ``1200.0``), but it may be a stretched one such as
  ``1208.0`` or a tritave.

A Scala file carried inside another file (a piece file keeps the text of its tuning, so that it
renders alone) is kept in memory by `carry_scl`, under a name `carried:<sha256 prefix>/<file
name>` that a `Key`'s tuning uses like a path: it is never written to disk, and a path named
inside a file is never opened.

`read_scl` gives a `Tuning` whose name is the description, whose degrees are 0 plus all
pitches but the last, and whose period is the last pitch. Values must rise and be
positive. A malformed file (wrong count, a value that is not a number, a negative or
non-rising value, an empty or binary file, one over 1 MB) raises `DataFileError` naming
the file and the line.
"""
from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path, PurePath

from .datafile import read_regular_file
from .errors import DataFileError, ParseError
from .tuning import Tuning

MAX_SCL_BYTES = 1_000_000
MAX_SCL_NOTES = 1024          # notes in one period (a melody's candidates grow with the square)
MAX_RATIO_TERM = 2 ** 31 - 1
# ASCII digits, as many as a term or a cents value can use (a 5000-digit term is no ratio to read).
_RATIO = re.compile(r"^([0-9]{1,12})(?:/([0-9]{1,12}))?$")
_CENTS = re.compile(r"^[+-]?([0-9]{1,12}\.[0-9]{0,12}|\.[0-9]{1,12})$")


CARRIED_PREFIX = "carried:"
_CARRIED: dict[str, bytes] = {}


def carry_scl(name: str, text: str) -> str:
    """Keep the text of a Scala file carried inside another file, checked as any Scala file is (a
    DataFileError names `name` for anything wrong), and return the name a Key's tuning gives it:
    'carried:<first 16 hex digits of its sha256>/<file name>'. Nothing is read from or written to disk."""
    # The file's own name, printable and ending .scl (a key takes a tuning ending .scl for a Scala file).
    shown = "".join(c if c.isprintable() and c != "/" else "_" for c in PurePath(str(name)).name[:120]) or "tuning"
    shown = shown if shown.lower().endswith(".scl") else shown + ".scl"
    data = text.encode("utf-8", errors="replace")
    try:
        read_scl(data, name=shown)      # checked as any Scala file; the Tuning is read again where a key uses it
    except DataFileError as exc:
        raise DataFileError(str(exc).replace("<scl bytes>", f"the carried Scala file {shown!r}", 1)) from None
    ident = f"{CARRIED_PREFIX}{hashlib.sha256(data).hexdigest()[:16]}/{shown}"
    _CARRIED[ident] = data
    return ident


def scl_text(path_or_name) -> str:
    """The text of a Scala file: one carried (`carry_scl`) or a regular file of at most MAX_SCL_BYTES."""
    return _decode(*_source_and_bytes(path_or_name))


def _source_and_bytes(path_or_text) -> tuple[str, bytes]:
    """A Path, a str path (no newline) or bytes read from one; a str holding newlines is the text; a
    carried Scala file by its name."""
    if isinstance(path_or_text, (bytes, bytearray)):
        return "<scl bytes>", bytes(path_or_text)
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return "<scl text>", path_or_text.encode("utf-8")
    if isinstance(path_or_text, str) and path_or_text.startswith(CARRIED_PREFIX):
        if path_or_text not in _CARRIED:
            raise DataFileError(f"{path_or_text}: a carried Scala file is known only to the process that read "
                                f"the file carrying it")
        return PurePath(path_or_text).name, _CARRIED[path_or_text]
    path = Path(path_or_text)
    return str(path), read_regular_file(path, MAX_SCL_BYTES, "Scala file")


def _decode(source: str, data: bytes) -> str:
    if len(data) > MAX_SCL_BYTES:
        raise DataFileError(f"{source}: file is {len(data)} bytes, above the limit of {MAX_SCL_BYTES} "
                            f"for a Scala file")
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise DataFileError(f"{source}: line {line}: binary data (a NUL byte); a Scala file is plain text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # Scala files predate UTF-8; comments may be Latin-1
    for number, line in enumerate(text.splitlines(), start=1):
        if any(ord(ch) < 32 and ch not in "\t\f\v" for ch in line):
            raise DataFileError(f"{source}: line {number}: binary data (control characters); "
                                f"a Scala file is plain text")
    return text


def parse_scl_value(token: str) -> float:
    """One Scala pitch value -> cents: '701.955' (cents), '3/2' (ratio), '2' (= 2/1)."""
    shown = repr(token[:40]) + ("..." if len(token) > 40 else "")     # an excerpt for the message
    if "." in token:
        if not _CENTS.match(token):
            raise ParseError(f"cannot read {shown} as cents (a value with a period, e.g. 701.955)")
        return float(token)
    if token.startswith("-"):
        raise ParseError(f"ratio {shown} is negative (accepted: a/b or n with positive integers)")
    m = _RATIO.match(token)
    if not m:
        raise ParseError(f"cannot read {shown} as a ratio (accepted: a/b or n with positive integers, "
                         f"or cents with a period)")
    num, den = int(m.group(1)), int(m.group(2) or 1)
    if not (1 <= num <= MAX_RATIO_TERM and 1 <= den <= MAX_RATIO_TERM):
        raise ParseError(f"ratio {shown}: numerator and denominator must lie in 1..{MAX_RATIO_TERM}")
    return 1200.0 * math.log2(num / den)


def read_scl(path_or_text, name: str | None = None) -> Tuning:
    """A Scala file (path, or its text when the string holds a newline, or bytes) as a `Tuning`.

    The name is `name`, else the description line, else the file's stem.
    """
    source, data = _source_and_bytes(path_or_text)
    text = _decode(source, data)
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if not line.startswith("!")]
    if not lines or all(not line.strip() for _, line in lines):
        raise DataFileError(f"{source}: line 1: empty Scala file (expected a description line, "
                            f"then the number of notes, then one pitch per line)")
    (_, description), rest = lines[0], lines[1:]
    if not rest:
        raise DataFileError(f"{source}: line {lines[0][0] + 1}: missing the number of notes after the description")
    count_line, count_text = rest[0]
    token = count_text.split()[0] if count_text.split() else ""
    if not re.fullmatch(r"[0-9]{1,6}", token):     # ASCII digits only ('²' is a digit to str.isdigit)
        raise DataFileError(f"{source}: line {count_line}: the number of notes must be a whole number >= 1, "
                            f"received {count_text.strip()[:40]!r}")
    count = int(token)
    if count > MAX_SCL_NOTES:
        raise DataFileError(f"{source}: line {count_line}: {count} notes, above the limit of {MAX_SCL_NOTES} "
                            f"for a tuning")
    if count < 1:
        raise DataFileError(f"{source}: line {count_line}: 0 notes; a tuning needs at least its period "
                            f"(e.g. 2/1 or 1200.0)")
    pitch_lines = rest[1:]
    values: list[float] = []
    for number, line in pitch_lines[:count]:
        parts = line.split()
        if not parts:
            raise DataFileError(f"{source}: line {number}: empty pitch line (note {len(values) + 1} of {count})")
        try:
            cents = parse_scl_value(parts[0])
        except ParseError as exc:
            raise DataFileError(f"{source}: line {number}: {exc}") from None
        if not math.isfinite(cents) or cents <= 0:
            raise DataFileError(f"{source}: line {number}: pitch {parts[0]!r} is {cents:g} cents; pitches must lie "
                                f"above the implied 1/1 (0 cents)")
        if values and cents <= values[-1]:
            raise DataFileError(f"{source}: line {number}: pitch {parts[0]!r} ({cents:g} cents) does not rise "
                                f"above the previous one ({values[-1]:g} cents)")
        values.append(cents)
    if len(values) < count:
        end = pitch_lines[-1][0] + 1 if pitch_lines else count_line + 1
        raise DataFileError(f"{source}: line {end}: the file announces {count} notes on line {count_line} "
                            f"but lists {len(values)}")
    extra = [(number, line) for number, line in pitch_lines[count:] if line.strip()]
    if extra:
        raise DataFileError(f"{source}: line {extra[0][0]}: more pitch lines than the {count} announced on "
                            f"line {count_line} (received {extra[0][1].strip()!r})")
    label = name or description.strip() or (Path(source).stem if not source.startswith("<") else "scala")
    try:
        return Tuning(label, (0.0, *values[:-1]), values[-1])
    except ParseError as exc:  # pragma: no cover - the checks above catch these first
        raise DataFileError(f"{source}: {exc}") from None


def _cents_text(cents: float) -> str:
    text = f"{cents:.6f}".rstrip("0")
    return text if not text.endswith(".") else text + "0"


def write_scl(tuning: Tuning, path=None, description: str | None = None) -> str:
    """`tuning` as Scala text (degrees above 0 then the period, in cents); written to `path` if given."""
    label = " ".join(str(description if description is not None else tuning.name).split())
    if label.startswith("!"):
        label = " " + label  # a line starting with '!' would be a comment
    file_name = Path(path).name if path is not None else f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', tuning.name)}.scl"
    pitches = [*tuning.degree_cents[1:], tuning.period_cents]
    lines = [f"! {file_name}", "!", label, f" {len(pitches)}", "!"]
    lines += [f" {_cents_text(c)}" for c in pitches]
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def pack_tuning_to_scl(pack_name: str, tuning: str | None = None, mode: str | None = None) -> str:
    """A pack's tuning profile as Scala text: its notes sorted by cents within the period.

    `pack_name` is a shipped pack's name or the path of a pack file; `tuning` a profile
    (default: the pack's default); with `mode`, only that mode's notes (ascending and
    descending forms together) in that profile.
    """
    from .pack import load_pack, load_pack_file

    is_file = str(pack_name).endswith((".yaml", ".yml")) or Path(str(pack_name)).is_file()
    pack = load_pack_file(pack_name) if is_file else load_pack(pack_name)
    profile = pack.tuning(tuning)
    period = profile.period_cents
    if mode is not None:
        scale = pack.scale(mode, profile.name)
        cents = {round(c % period, 9) for c in scale.degree_cents}
        label = f"{pack.name} {pack.mode(mode).name}, tuning {profile.name}"
    else:
        cents = {round(c % period, 9) for c in profile.degree_cents}
        cents |= {round(c % period, 9) for c in pack.note_names.get(profile.name, {}).values()}
        label = f"{pack.name} tuning {profile.name}"
    cents.add(0.0)
    return write_scl(Tuning(label, tuple(sorted(cents)), period), description=label)
