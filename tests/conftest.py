from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


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
