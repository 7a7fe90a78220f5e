"""What text partita accepts from a spec or a piece file: printable, with line breaks and tabs where the
text may hold several lines (lyrics, notes), and one printable line for a title, a name or a syllable.
No other control character (an escape sequence would reach a terminal through `explain`, and XML 1.0
cannot hold most of them) and no lone surrogate (half of a pair, which YAML's "\\ud83c" escapes give and
no file can encode)."""
from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")


def unprintable(text: str, one_line: bool = True) -> re.Match | None:
    """The first character `text` may not hold (a line break too where it is `one_line`), or None."""
    return CONTROL.search(text) or (LINE_BREAK.search(text) if one_line else None)
