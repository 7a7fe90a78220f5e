"""Grammar data: form grammars, chord styles, accompaniment patterns and instruments (YAML, see README.md)."""
