"""Errors raised by the composer package: one root, precise subclasses."""
from __future__ import annotations

from theory.schema import Problem


class ComposerError(Exception):
    """Root of every error raised by :mod:`composer`."""


class SpecError(ComposerError):
    """A spec has one or more problems; each names file, line, field, value and what is accepted."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class GrammarError(ComposerError):
    """A grammar file is missing, unknown or invalid."""


class UnsatisfiableError(ComposerError):
    """The constraints of a slot cannot all hold; the message names what to relax."""


class OutputExistsError(ComposerError):
    """An output file exists and --force was not given."""


class RenderError(ComposerError):
    """A piece could not be written in the asked format."""


class LyricsError(ComposerError):
    """Lyrics that cannot be read or set: names the line, the token and what is accepted."""


class ReadError(ComposerError):
    """A foreign file (MIDI, MusicXML) is missing, unreadable or not what its name says; names file and reason."""


class PromptError(ComposerError):
    """A prompt in words cannot be read (empty, too long, not text); names what was received and what is accepted."""
