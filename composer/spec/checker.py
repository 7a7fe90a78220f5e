"""The spec checker: every problem a spec has, each with its file, line, field, value and what is accepted."""
from __future__ import annotations

from typing import Any

from theory.datafile import YamlDocument
from theory.errors import did_you_mean
from theory.schema import Problem


class SpecChecker:
    """Collects the problems of one spec document, each placed at its line."""

    def __init__(self, doc: YamlDocument, carried: dict | None = None):
        self.doc = doc
        self.problems: list[Problem] = []
        self.notices: list[str] = []      # how a value was read where it was not taken as written
        # A spec carried inside a file (a piece file, a MIDI or MusicXML file's provenance): the Scala files
        # it carries (path named in the spec -> a copy of the text here); no other named file is opened.
        self.carried = carried

    def add(self, path: tuple, message: str, **kw: Any) -> None:
        self.problems.append(Problem(path=path, message=message, source=self.doc.source,
                                     line=self.doc.line_of(path), **kw))


def check_name(ck: SpecChecker, path: tuple, value: str, accepted: list[str], kind: str) -> bool:
    if value in accepted:
        return True
    close = did_you_mean(value, accepted)
    ck.add(path, f"unknown {kind}", received=value, accepted=", ".join(accepted),
           hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
    return False
