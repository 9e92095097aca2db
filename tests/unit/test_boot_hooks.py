"""Boot hooks: which modules main.py starts at power-on, and that the micro:bit v1 pays nothing."""

from __future__ import annotations

import pytest

from kitbridge.boards import load_board
from kitbridge.deploy.files import board_module, deploy_files


def test_boards_with_drivers_start_a_stored_model_and_the_wifi_link() -> None:
    esp32 = deploy_files(load_board("mpython"))
    assert "BOOT = ('kb_d_model', 'kb_net')" in esp32["kb_board.py"].decode()
    assert b"# boot hooks {" in esp32["main.py"]
    v2 = deploy_files(load_board("microbit-v2"))
    assert "BOOT = ('kb_d_model',)" in v2["kb_board.py"].decode()  # no Wi-Fi on a micro:bit


def test_the_microbit_v1_main_has_no_hook_code_and_its_board_module_no_boot() -> None:
    files = deploy_files(load_board("microbit-v1"))
    main = files["main.py"].decode()
    assert "boot hooks" not in main and "for f in run" not in main and "BOOT" not in files["kb_board.py"].decode()
    compile(main, "main.py", "exec")  # what is left is still a whole program
    assert "ag.poll()" in main and "ag.safe()" in main


@pytest.mark.parametrize("kind", ["microbit-v1", "microbit-v2", "mpython", "esp32-devkitc"])
def test_the_simulated_board_gets_the_same_board_module_as_a_deploy(kind: str) -> None:
    spec = load_board(kind)
    assert board_module(spec).encode() == deploy_files(spec)["kb_board.py"]
