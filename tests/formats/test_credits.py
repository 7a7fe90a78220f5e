"""The score's credits as notation programs read them: the spec's composer or none (never "Music21",
which music21 fills in), the title once, partita named as the software, and a final barline."""
import re

from composer import compose
from composer.formats.musicxml import musicxml_bytes
from composer.formats.provenance import partita_version


def _xml(spec) -> str:
    return musicxml_bytes(compose({"title": "Credits", "key": "D major", **spec})).decode()


def test_no_composer_is_invented_and_the_title_is_written_once():
    xml = _xml({})
    assert "Music21</creator>" not in xml and '<creator type="composer">' not in xml
    assert xml.count("Credits</") == 1 and "<movement-title>Credits</movement-title>" in xml
    assert f"<software>partita {partita_version()}</software>" in xml


def test_the_spec_names_the_composer():
    assert '<creator type="composer">Anna Magdalena</creator>' in _xml({"composer": "Anna Magdalena"})


def test_every_part_ends_on_a_final_barline():
    xml = _xml({})
    parts = re.findall(r"<part id=.*?</part>", xml, flags=re.S)
    assert parts and all(re.search(r"<bar-style>light-heavy</bar-style>\s*</barline>\s*</measure>\s*</part>", p)
                         for p in parts)
