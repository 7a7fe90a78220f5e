"""Which span of a timeline holds a time: the first of a list of spans that does, as a scan from the front
finds it, in O(log n) where the spans follow one another without overlapping (a plan's phrases, its
chords), and by that scan where they do not. A long piece asks this once per note."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Sequence


class SpanIndex:
    """Spans (start, end, value) in their given order."""

    def __init__(self, spans: Sequence[tuple[Any, Any, Any]]):
        self.spans = list(spans)
        self.starts = [s[0] for s in self.spans]
        self.disjoint = all(a[0] <= a[1] <= b[0] for a, b in zip(self.spans, self.spans[1:]))

    def at(self, time, default=None, closed_right: bool = False):
        """The value of the first span holding `time`: start <= time < end, or with `closed_right`
        start < time <= end (the span sounding just before `time`); `default` where none does."""
        if not self.disjoint:
            for start, end, value in self.spans:
                if (start < time <= end) if closed_right else (start <= time < end):
                    return value
            return default
        # Spans in order, each ending where or before the next starts: only the last one starting
        # before `time` can hold it.
        i = (bisect_left(self.starts, time) if closed_right else bisect_right(self.starts, time)) - 1
        if i < 0:
            return default
        start, end, value = self.spans[i]
        return value if ((start < time <= end) if closed_right else (start <= time < end)) else default
