"""Which firmware files a board gets: a driver's parts (kb_d_<verb>_<part>.py) go with the driver."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kitbridge.boards import load_board
from kitbridge.deploy.files import _firmware_files, deploy_files

MODEL = ("kb_d_model.py", "kb_d_model_core.py")


@pytest.mark.parametrize("kind", ["microbit-v2", "mpython", "esp32-devkitc"])
def test_boards_with_every_driver_get_the_model_driver_and_its_core(kind: str) -> None:
    files = deploy_files(load_board(kind))
    assert all(name in files for name in MODEL)
    assert files["kb_d_model_core.py"] == (Path(__file__).resolve().parents[2] / "firmware"
                                           / "kb_d_model_core.py").read_bytes()


def test_the_microbit_v1_lists_no_drivers_and_so_gets_no_model_core() -> None:
    files = deploy_files(load_board("microbit-v1"))
    assert not [name for name in files if name.startswith("kb_d_")]
    assert "kb_agent.py" in files and "main.py" in files


@pytest.mark.parametrize("drivers, kept", [(("model",), MODEL), (("accel",), ("kb_d_accel.py",)),
                                           ((), ()), (("model", "accel"), MODEL + ("kb_d_accel.py",))])
def test_a_part_follows_its_driver_in_a_board_that_lists_drivers(drivers, kept) -> None:
    spec = dataclasses.replace(load_board("microbit-v1"), drivers=drivers)
    assert sorted(n for n in deploy_files(spec) if n.startswith("kb_d_")) == sorted(kept)


def test_a_part_without_its_driver_file_is_left_out(tmp_path: Path) -> None:
    for name in ("main.py", "kb_agent.py", "kb_sys.py", "kb_hal_esp32.py", "kb_d_tone.py",
                 "kb_d_tone_notes.py", "kb_d_ghost_core.py", "kb_d_pin.py"):
        (tmp_path / name).write_text("# " + name + "\n", encoding="ascii")
    every = _firmware_files(load_board("mpython"), tmp_path)
    assert "kb_d_tone_notes.py" in every and "kb_d_ghost_core.py" not in every
    only_pin = _firmware_files(dataclasses.replace(load_board("mpython"), drivers=("pin",)), tmp_path)
    assert sorted(only_pin) == ["kb_agent.py", "kb_d_pin.py", "kb_hal_esp32.py", "kb_sys.py", "main.py"]
