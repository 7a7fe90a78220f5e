"""A file that a user or another file names is read only if it is a regular file under its size limit:
a device (/dev/zero would be read until memory runs out), a pipe (which would block for ever) or a
folder is refused at once, in one line."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from composer.formats.piece_file import PieceFileError, load_piece
from composer.score.errors import SpecError
from composer.spec.load import load_spec
from theory.datafile import read_regular_file
from theory.errors import DataFileError
from theory.scala import read_scl


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.scl"
    os.mkfifo(path)
    return path


def test_a_device_a_pipe_and_a_folder_are_refused_before_reading(fifo, tmp_path):
    for path in (Path("/dev/zero"), fifo, tmp_path):
        with pytest.raises(DataFileError, match="not a regular file|a folder"):
            read_regular_file(path, 1000)


def test_a_scala_tuning_and_a_piece_file_on_a_device_or_pipe_are_refused(fifo):
    for path in ("/dev/zero", str(fifo)):
        with pytest.raises(DataFileError, match="not a regular file"):
            read_scl(path)
        with pytest.raises(PieceFileError, match="not a regular file"):
            load_piece(path)


def test_a_file_over_its_limit_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: x\n" + b"#" * 2_000_000)
    with pytest.raises(SpecError, match="above the limit"):
        load_spec(str(path))
