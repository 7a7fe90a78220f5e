from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def edited_copy(tmp_path: Path, shipped: str, old: str, new: str) -> Path:
    """A copy in `tmp_path` of one of partita's data files (a path from the checkout's root) with `old`
    replaced by `new` (which must be there): a bad data file to load."""
    text = (ROOT / shipped).read_text(encoding="utf-8")
    assert old in text, (shipped, old)
    path = tmp_path / Path(shipped).name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run `partita ARGV...` in-process; return (exit code, stdout, stderr)."""
    from composer.cli.main import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def mini_corpus(tmp_path_factory):
    """The fixture corpus (tests/fixtures/corpus/mini.yaml), parsed once per module into a temporary
    cache, which `load_index` and `--reference` then read."""
    from corpora import load_corpus

    folder = ROOT / "tests" / "fixtures" / "corpus"
    mp = pytest.MonkeyPatch()
    mp.setenv("PARTITA_CACHE", str(tmp_path_factory.mktemp("partita-cache")))
    try:
        yield load_corpus(folder / "mini.yaml", root=folder, progress=False, workers=1)
    finally:
        mp.undo()
