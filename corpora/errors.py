"""The root error of the corpora package."""


class CorpusError(Exception):
    """A corpus manifest is invalid, a corpus name is unknown, or a corpus cannot be read."""
