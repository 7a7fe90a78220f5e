"""A prompt in plain words -> a spec, by rules over grammars/prompt_words.yaml (no model).

    >>> chosen = prompt_to_spec("slow melancholic waltz in D minor for strings")
    >>> chosen.spec["key"], chosen.spec["meter"], chosen.spec["tempo"]
    ('D minor', '3/4', 66)
    >>> chosen.spec["title"]
    'Slow melancholic waltz in D minor'
    >>> [p["instrument"] for p in chosen.spec["parts"]]
    ['violin', 'viola', 'cello']

The prompt is parsed into hits (`parse`), the hits propose values for the facets of a spec
and the strongest proposal of each facet wins (`choose`), the instruments take their parts
(`parts`), and the spec is checked with `load_spec` before it is returned. Every decision is
a line of `PromptSpec.choices`; the words that chose nothing are in `PromptSpec.unused`.
`partita compose --prompt "..."` writes `PromptSpec.yaml_text()` beside the piece.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..score.errors import PromptError, SpecError
from ..score.seeds import check_seed
from ..spec.load import load_spec
from .choose import Interpreter
from .docs import vocabulary_markdown
from .parse import find_hits, tokenise
from .words import load_vocabulary

__all__ = ["MAX_PROMPT_CHARS", "PromptError", "PromptSpec", "prompt_to_spec", "vocabulary_markdown"]

MAX_PROMPT_CHARS = 2000
_EXAMPLE = "'slow melancholic waltz in D minor for strings'"


@dataclass(frozen=True)
class PromptSpec:
    """A prompt, the spec chosen for it, and how."""

    text: str                      # the prompt as given
    spec: dict                     # a spec dict that load_spec accepts
    used: tuple[str, ...]          # the words and phrases of the prompt that chose something
    unused: tuple[str, ...]        # the words that chose nothing (stop words such as 'a', 'the', 'for' are not listed)
    choices: tuple[str, ...]       # one line per decision: "'slow' -> tempo 66 (slow: 56-76 quarters a minute)"

    def yaml_text(self) -> str:
        """The spec as YAML (keys in a stable order), after '#' lines: the prompt, the choices, the words not used."""
        lines = [f"# prompt: {' '.join(self.text.split())}"]
        lines += [f"# {' '.join(line.split())}" for line in self.choices]
        lines.append(f"# words not used: {', '.join(self.unused) if self.unused else '(none)'}")
        body = yaml.safe_dump(self.spec, sort_keys=False, default_flow_style=None, allow_unicode=True, width=100)
        return "\n".join(lines) + "\n" + body


def prompt_to_spec(text: str, *, seed: int = 0) -> PromptSpec:
    """Read a prompt such as 'slow melancholic waltz in D minor for strings' into a valid spec.

    `seed` becomes the spec's seed (the same prompt and seed give the same spec, and the same piece).

    Raises PromptError for a prompt that is not text, is empty, has no words or is longer than
    MAX_PROMPT_CHARS characters, and for a seed outside 0..4294967295.
    """
    if not isinstance(text, str):
        raise PromptError(f"a prompt is text, received {type(text).__name__} "
                          f"(accepted: a description in words, e.g. {_EXAMPLE})")
    check_seed(seed, PromptError)
    if not text.strip():
        raise PromptError(f"the prompt is empty (received {text!r}; accepted: a description in words of 1 to "
                          f"{MAX_PROMPT_CHARS} characters, e.g. {_EXAMPLE})")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"the prompt is too long (received {len(text)} characters; accepted: at most "
                          f"{MAX_PROMPT_CHARS}, e.g. {_EXAMPLE})")
    tokens = tokenise(text)
    if not tokens:
        raise PromptError(f"the prompt has no words (received {text[:60]!r}; accepted: a description in words, "
                          f"e.g. {_EXAMPLE})")
    vocab = load_vocabulary()
    hits = find_hits(text, tokens, vocab)
    chooser = Interpreter(text, tokens, hits, vocab, seed)
    spec = chooser.run()
    _check(spec, text)
    used, unused, choices = _report(chooser, tokens, hits, vocab)
    return PromptSpec(text=text, spec=spec, used=used, unused=unused, choices=choices)


def _check(spec: dict, text: str) -> None:
    try:
        load_spec(spec, source="<prompt>")
    except SpecError as exc:   # a bug: the rules must always give a valid spec
        raise PromptError(f"the spec chosen for the prompt {text[:60]!r} is not valid (a bug in composer.prompt; "
                          f"please report it):\n{exc}") from None


def _report(chooser: Interpreter, tokens, hits, vocab) -> tuple[tuple, tuple, tuple]:
    used, unused, choices = [], [], []
    covered = set()
    for order, hit in enumerate(hits):
        covered.update(range(hit.start, hit.end))
        if order in chooser.decided:
            used.append((hit.start, hit.text))
            aside = "; ".join(dict.fromkeys(chooser.lost.get(order, [])))
            choices.append(f"{hit.text!r} -> {'; '.join(chooser.decided[order])}"
                           + (f"; set aside: {aside}" if aside else ""))
        else:
            unused.append((hit.start, hit.text))
            choices.append(f"{hit.text!r} -> nothing: {chooser.why_not(order)}")
    choices += chooser.notes
    for i, token in enumerate(tokens):
        if i not in covered and token.norm not in vocab.stop_words:
            unused.append((i, token.text))
    seen, unused_words = set(), []
    for _, word in sorted(unused, key=lambda x: x[0]):
        if word.lower() not in seen:
            seen.add(word.lower())
            unused_words.append(word)
    return tuple(w for _, w in used), tuple(unused_words), tuple(choices)
