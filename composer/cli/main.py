"""The `partita` command line: a thin layer over the library.

Exit codes: 0 done, 1 internal error, 2 bad input (one line per problem, no traceback).
"""
from __future__ import annotations

import importlib
import os
import sys

from theory import TheoryError

from ..score.errors import ComposerError, SpecError, UnsatisfiableError
from .arguments import build_parser

# Each command's function, by module: a module is imported when its command runs, so that composing
# does not load the checker, the lessons, the corpora or the batch engines (issue 19's cold start).
COMMANDS = {
    "compose": ("compose", "cmd_compose"), "render": ("compose", "cmd_render"), "refill": ("compose", "cmd_refill"),
    "morph": ("compose", "cmd_morph"), "explain": ("compose", "cmd_explain"), "packs": ("data", "cmd_packs"),
    "grammars": ("data", "cmd_grammars"), "cycles": ("data", "cmd_cycles"), "schema": ("data", "cmd_schema"),
    "train": ("data", "cmd_train"), "corpora": ("data", "cmd_corpora"), "lessons": ("study", "cmd_lessons"),
    "check": ("study", "cmd_check"), "exercise": ("study", "cmd_exercise"), "evaluate": ("study", "cmd_evaluate"),
    "batch": ("batch", "cmd_batch"),
}


def command_handler(command: str):
    """The function that runs `command` (its module of composer.cli imported now)."""
    module, name = COMMANDS[command]
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def _print_error(message: str, where: str = "") -> None:
    """One `error:` line per line of `message`; control characters from the input are shown escaped."""
    for line in message.splitlines() or [""]:
        if line.strip() or not message.strip():
            shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line.strip())
            print(f"error: {where}{shown}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(words[0] if words and words[0] in COMMANDS else None).parse_args(words)
    try:
        return command_handler(args.command)(args)
    except SpecError as exc:
        for problem in exc.problems:
            _print_error(str(problem))
        return 2
    except (ComposerError, TheoryError) as exc:
        # An impossible request comes from the spec's content: name the file it came from.
        where = f"{args.spec}: " if isinstance(exc, UnsatisfiableError) and getattr(args, "spec", None) else ""
        _print_error(str(exc), where)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader closed the pipe (| head): stop quietly

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a short message
        print(f"internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
