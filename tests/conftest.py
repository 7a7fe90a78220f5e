from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run `partita ARGV...` in-process; return (exit code, stdout, stderr)."""
    from composer.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
