"""Which firmware files a board gets: a driver's parts (kb_d_<verb>_<part>.py) go with the driver."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kitbridge.boards import load_board
from kitbridge.deploy.files import MAIN_IMPORT, _firmware_files, deploy_files, digest
from kitbridge.link.rawrepl import RawRepl, literal_pieces
from kitbridge.errors import DeployError

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


def _built_in(names) -> dict[str, str]:
    folder = Path(__file__).resolve().parents[2] / "firmware"
    return {name: digest((folder / name).read_bytes()) for name in names}


def test_files_the_boards_image_has_built_in_are_not_copied_but_their_boot_hooks_run() -> None:
    spec = load_board("microbit-v1")
    files = deploy_files(spec, built_in=_built_in(spec.frozen))
    assert sorted(files) == ["kb_board.py", "main.py"]
    assert "BOOT = ('kb_d_model',)" in files["kb_board.py"].decode()  # a stored model starts at power-on
    assert files["main.py"] == MAIN_IMPORT  # the loop is built in
    assert len(list(literal_pieces(MAIN_IMPORT.decode(), RawRepl(None).burst - 4))) == 1  # one write: all or none
    assert list(files)[-1] == "main.py"


def test_a_built_in_file_of_another_version_is_refused_with_the_fix() -> None:
    spec = load_board("microbit-v1")
    built_in = _built_in(spec.frozen) | {"kb_sys.py": "0" * 64}
    with pytest.raises(DeployError, match=r"kb_sys.py of another kitbridge version.*kitbridge flash"):
        deploy_files(spec, built_in=built_in)
    with pytest.raises(DeployError, match="kb_d_gone.py of another kitbridge version"):
        deploy_files(spec, built_in={"kb_d_gone.py": "0" * 64})


def test_a_board_the_kit_set_up_has_its_images_built_in_drivers() -> None:
    v1 = load_board("microbit-v1")
    assert v1.drivers == () and v1.kit_drivers == ("accel", "matrix", "stream", "model")
    assert load_board("microbit-v2").kit_drivers is None  # every driver
