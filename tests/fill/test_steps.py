"""What counts as a step when a non-chord tone must be left by step: a semitone or a whole tone in a
major or minor key; in a scale with wider gaps, a move between neighbouring degrees (the augmented second
of phrygian dominant), never a third that skips a degree."""
import numpy as np
import pytest

from composer.fill.constraints import is_step
from theory import Key, Pitch
from theory.pitch import parse_spelling

FLAMENCO_A = Key(parse_spelling("A")[0], "phrygian_dominant", pack="flamenco")


def cents(*names: str) -> list[float]:
    return [Pitch.from_name(n).cents for n in names]


@pytest.mark.parametrize("a, b, step", [("B4", "C5", True), ("D5", "C5", True), ("B4", "D5", False),
                                        ("Ab4", "B4", False), ("C5", "C5", False)])
def test_in_a_minor_or_major_key_a_step_is_a_semitone_or_a_whole_tone(a, b, step):
    assert bool(is_step(*cents(a, b), Key.parse("C minor"))) is step


@pytest.mark.parametrize("a, b, step", [("Bb4", "C#5", True), ("C#5", "Bb4", True), ("D5", "F5", False),
                                        ("G4", "A4", True), ("G4", "Bb4", False)])
def test_in_phrygian_dominant_the_augmented_second_between_neighbouring_degrees_is_a_step(a, b, step):
    assert bool(is_step(*cents(a, b), FLAMENCO_A)) is step


def test_steps_broadcast_over_arrays():
    grid = is_step(np.array(cents("Bb4", "D5"))[:, None], np.array(cents("C#5", "F5", "E5"))[None, :], FLAMENCO_A)
    assert grid.tolist() == [[True, False, False], [True, False, True]]
