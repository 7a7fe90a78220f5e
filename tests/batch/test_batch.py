"""`partita batch` and `compose_many`: every item written with its manifest line, --resume, a grid of varied
fields checked before anything runs, failures recorded, and the same bytes from every engine."""
import hashlib
import json
import shutil

import pytest
from conftest import ROOT, run_cli

from composer.batch import BatchError, Settings, compose_many, plan_batch
from composer.batch.items import parse_seeds, parse_vary, set_field

MINUET, REEL = ROOT / "examples" / "minuet_in_g.yaml", ROOT / "examples" / "reel_in_d.yaml"


def manifest(folder):
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def stamps(folder):
    """Each file's (mtime_ns, inode): a file written again gets new ones."""
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.iterdir() if p.name != "manifest.jsonl"}


def test_seeds_and_fields_are_read_as_written():
    assert parse_seeds("0-3") == [0, 1, 2, 3]
    assert parse_seeds("5, 1-2, 5") == [5, 1, 2]
    assert parse_vary(["key=G major,D minor", "tempo=90,120"]) == [("key", ["G major", "D minor"]),
                                                                   ("tempo", [90, 120])]
    assert set_field({"parts": [{"instrument": "violin"}]}, "parts.0.instrument", "flute") == \
        {"parts": [{"instrument": "flute"}]}
    for bad in ("3-1", "x", "1-", ""):
        with pytest.raises(BatchError, match="--seeds"):
            parse_seeds(bad)
    for bad in (["key"], ["key="], ["=D major"], ["tempo=90", "tempo=100"]):
        with pytest.raises(BatchError, match="--vary"):
            parse_vary(bad)


def test_the_grid_is_every_combination_and_an_impossible_one_is_refused_once_with_its_reason():
    items, invalid = plan_batch([REEL], seeds="0-4", vary=["meter=4/4,3/4", "key=D major,E minor"])
    assert len(items) == 2 * 5                            # 4/4 with both keys, five seeds each
    assert {dict(i.variation)["key"] for i in items} == {"D major", "E minor"}
    assert len(invalid) == 2                              # 3/4 with each key, once each, not once per seed
    assert all("3/4" in str(bad) and "reel" in str(bad) for bad in invalid)
    assert len({i.name for i in items}) == len(items) and len({i.digest for i in items}) == len(items)
    _, invalid = plan_batch([MINUET], vary=["parts.7.instrument=flute"])
    assert "no entry 7" in str(invalid[0])


def test_compose_many_refuses_an_impossible_combination_before_composing_anything():
    with pytest.raises(BatchError, match="3/4"):
        next(compose_many([REEL], seeds=[0], vary=["meter=3/4"]))


def test_batch_writes_every_item_and_resume_does_only_what_is_missing(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["batch", MINUET, REEL, "-o", out, "--seeds", "0-2", "--annotations", "--quiet"]
    code, _, err = run_cli(capsys, *argv)
    assert code == 0, err
    lines = manifest(out)
    assert len(lines) == 6 and all(line["status"] == "ok" and line["error"] is None for line in lines)
    for line in lines:
        assert set(line["files"]) == {f"{line['item']}.mid", f"{line['item']}.musicxml", line["annotations"]}
        for name, sha in line["files"].items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha
    first = stamps(out)
    code, _, err = run_cli(capsys, *argv, "--resume")
    assert code == 0 and "0 written, 6 already done" in err
    assert stamps(out) == first and len(manifest(out)) == 6
    (out / "reel_in_d__seed1.musicxml").unlink()
    code, _, err = run_cli(capsys, *argv, "--resume")
    assert code == 0 and "1 written, 5 already done" in err
    again = stamps(out)
    changed = {name for name in first if again.get(name) != first[name]}
    assert changed == {"reel_in_d__seed1.mid", "reel_in_d__seed1.musicxml", "reel_in_d__seed1.annotations.json"}
    assert manifest(out)[-1]["item"] == "reel_in_d__seed1"
    # Another seed list is another set of items: the ones already there are kept, the new one written.
    code, _, err = run_cli(capsys, "batch", MINUET, "-o", out, "--seeds", "2-3", "--annotations", "--quiet", "--resume")
    assert code == 0 and "1 written, 1 already done" in err


def test_a_failing_item_is_recorded_and_the_batch_goes_on(tmp_path, capsys):
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(MINUET, specs / "minuet.yaml")
    # Loads as a spec, but no melody held in C4-F4 and moving by a semitone at most reaches its cadences:
    # composing it fails, whatever the seed.
    (specs / "low.yaml").write_text("title: Low\nkey: C major\nconstraints: {max_leap: 1}\nparts:\n"
                                    "  - {role: melody, range: C4-F4}\n  - {role: bass}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "batch", specs, "-o", out, "--seeds", "0-1", "--quiet")
    assert code == 1
    lines = {line["item"]: line for line in manifest(out)}
    assert [lines[f"minuet__seed{s}"]["status"] for s in (0, 1)] == ["ok", "ok"]
    for s in (0, 1):
        failed = lines[f"low__seed{s}"]
        assert failed["status"] == "failed" and failed["files"] == {} and "\n" not in failed["error"]
        assert f"error: low__seed{s}: " in err
    assert not list(out.glob("low*"))


def test_a_bad_request_is_one_error_line_and_nothing_is_written(tmp_path, capsys):
    for argv, said in ((["--seeds", "9-1"], "--seeds"), (["--vary", "tempo"], "--vary"),
                       (["--formats", "mp3"], "--formats"), (["--engine", "local", "--address", "x:1"], "--address"),
                       (["--workers", "0"], "--workers")):
        code, _, err = run_cli(capsys, "batch", MINUET, "-o", tmp_path / "out", *argv)
        assert code == 2 and err.startswith("error:") and said in err, (argv, err)
    assert not (tmp_path / "out" / "manifest.jsonl").exists()
    code, _, err = run_cli(capsys, "batch", tmp_path / "nowhere", "-o", tmp_path / "out")
    assert code == 2 and "no such spec file or folder" in err
    (tmp_path / "afile").write_text("kept", encoding="utf-8")
    code, _, err = run_cli(capsys, "batch", MINUET, "-o", tmp_path / "afile")
    assert code == 2 and "not a folder" in err and (tmp_path / "afile").read_text(encoding="utf-8") == "kept"


def files_of(results):
    return {name: data for r in results for name, data in r.files}


def test_the_bytes_depend_on_the_item_only_never_on_the_worker_count(tmp_path):
    kwargs = dict(seeds=[0, 1, 2], vary=["tempo=90,126"], formats=("mid", "musicxml", "piece"), annotations=True)
    one = list(compose_many([MINUET, REEL], workers=1, **kwargs))
    two = list(compose_many([MINUET, REEL], workers=2, **kwargs))
    assert all(r.ok for r in one + two) and len(one) == 12
    assert files_of(one) == files_of(two)
    # The same item on its own, in another batch, gives the same bytes.
    alone = list(compose_many([REEL], seeds=[2], vary=["tempo=126"], workers=1, formats=kwargs["formats"],
                              annotations=True))
    assert files_of(alone).items() <= files_of(one).items()


def test_the_ray_engine_writes_the_same_bytes_as_the_local_one():
    pytest.importorskip("ray", reason="Ray is not installed (pip install \"partita[ray]\")")
    kwargs = dict(seeds=[0, 1], vary=["tempo=90,126"], annotations=True)
    local = list(compose_many([MINUET, REEL], workers=2, **kwargs))
    ray = list(compose_many([MINUET, REEL], engine="ray", workers=2, **kwargs))
    assert len(ray) == 8 and all(r.ok for r in ray)
    assert files_of(ray) == files_of(local)


def test_settings_are_part_of_the_digest():
    plain = plan_batch([MINUET], seeds="0")[0][0]
    annotated = plan_batch([MINUET], seeds="0", settings=Settings(annotations=True))[0][0]
    assert plain.name == annotated.name and plain.digest != annotated.digest


def test_an_item_is_byte_for_byte_what_partita_compose_writes_for_its_spec_and_seed(tmp_path, capsys):
    assert run_cli(capsys, "batch", MINUET, "-o", tmp_path / "batch", "--seeds", "3", "--quiet")[0] == 0
    assert run_cli(capsys, "compose", MINUET, "--seed", 3, "-o", tmp_path / "one")[0] == 0
    for ext in ("mid", "musicxml"):
        assert (tmp_path / "batch" / f"minuet_in_g__seed3.{ext}").read_bytes() == \
            (tmp_path / "one" / f"minuet_in_g.{ext}").read_bytes(), ext
