"""Errors raised by the theory package: one root, precise subclasses.

Every message names what was received and what is accepted, so that a caller
(the spec loader, the CLI) can show it to a person as it is.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class TheoryError(Exception):
    """Root of every error raised by :mod:`theory`."""


class ParseError(TheoryError, ValueError):
    """A name (pitch, key, chord, meter, Roman numeral) could not be read."""


class UnknownNameError(TheoryError, KeyError):
    """A pack, mode or other named item does not exist."""

    def __init__(self, kind: str, received: str, accepted: Iterable[str]):
        self.kind = kind
        self.received = received
        self.accepted = sorted(accepted)
        self.suggestions = did_you_mean(received, self.accepted)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        accepted = ", ".join(self.accepted[:40]) + (" ..." if len(self.accepted) > 40 else "")
        return f"unknown {self.kind} {self.received!r}{hint} (accepted: {accepted})"

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class DataFileError(TheoryError):
    """A data file (pack, grammar) is missing, unreadable or does not match its schema."""


def did_you_mean(received: object, accepted: Iterable[str], n: int = 3) -> list[str]:
    """Close matches for a misspelt name, case-insensitively."""
    text = str(received).lower()
    pool = {str(a).lower(): str(a) for a in accepted}
    return [pool[m] for m in difflib.get_close_matches(text, list(pool), n=n, cutoff=0.6)]
