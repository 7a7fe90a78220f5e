"""Every shipped grammar file checked at once (schema and musical rules)."""
from __future__ import annotations

from theory.schema import validate

from ..score.errors import GrammarError
from .chords import style_semantic
from .files import KINDS, check_document, list_grammars, load_document, package_dir, read_packaged, schema, where
from .forms import form_semantic
from .idioms import idiom_semantic, scheme_semantic
from .instruments import instruments_semantic
from .patterns import pattern_semantic

_SEMANTIC = {"forms": form_semantic, "chords": style_semantic, "accompaniment": pattern_semantic,
             "schemes": scheme_semantic, "idioms": idiom_semantic}


def validate_all() -> list[str]:
    """Every problem of every shipped grammar file (schema and musical rules); empty when all is well.
    The prompt vocabulary, which names these grammars, is checked by `prompt.words.check_prompt_words`."""
    problems: list[str] = []
    for kind, (folder, schema_file, _) in KINDS.items():
        for name in list_grammars(kind):
            try:
                doc = read_packaged(kind, name)
            except GrammarError as exc:
                problems.append(str(exc))
                continue
            obj, found = check_document(doc, schema_file, _SEMANTIC[kind])
            problems += found
            if obj is not None and obj.name != name:
                problems.append(f"{where(doc, ('name',))}: name {obj.name!r} differs from the file name {name!r}")
    try:
        doc = load_document((package_dir() / "instruments.yaml").read_bytes(), "grammars/instruments.yaml")
        problems += check_document(doc, "instruments.schema.json", instruments_semantic)[1]
        doc = load_document((package_dir() / "keys.yaml").read_bytes(), "grammars/keys.yaml")
        problems += [str(p) for p in validate(doc.data, schema("keys.schema.json"), doc)]
    except GrammarError as exc:
        problems.append(str(exc))
    return problems
