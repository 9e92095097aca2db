"""`kitbridge flash` without hardware: a temporary folder stands in for the MICROBIT drive (with a fake
DAPLink that takes the file, goes away and comes back), and esptool's functions are replaced to check
what kitbridge asks of them and how their errors read."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import esptool.cmds
import pytest
from esptool.util import FatalError
from kitbridge.cli import main
from kitbridge.errors import DeployError
from kitbridge.flash import find_image, flash_esp32, flash_microbit, images, microbit
from kitbridge.link.qemu import flash_image

HEX = b":020000040000FA\n:1000000000000000000000000000000000000000F0\n"


@pytest.fixture
def hexfile(tmp_path) -> Path:
    path = tmp_path / "micropython.hex"
    path.write_bytes(HEX * 600)  # ~30 KB: several chunks
    return path


class FakeDapLink(threading.Thread):
    """Waits for the whole .hex on the drive, then makes the drive go away and come back, as DAPLink does."""

    def __init__(self, drive: Path, size: int, fail: str | None = None) -> None:
        super().__init__(daemon=True)
        self.drive, self.size, self.fail = drive, size, fail
        self.flashed = b""

    def run(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            files = list(self.drive.glob("*.hex")) if self.drive.is_dir() else []
            if files and files[0].stat().st_size == self.size:
                self.flashed = files[0].read_bytes()
                shutil.rmtree(self.drive)
                self.drive.mkdir()
                (self.drive / "DETAILS.TXT").write_text("DAPLink Firmware\n")
                if self.fail:
                    (self.drive / "FAIL.TXT").write_text(self.fail)
                return
            time.sleep(0.01)


def drive_in(tmp_path: Path) -> Path:
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    (drive / "DETAILS.TXT").write_text("DAPLink Firmware\n")
    return drive


def test_flash_microbit_copies_the_hex_and_waits_for_the_drive(tmp_path, hexfile, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    drive = drive_in(tmp_path)
    daplink = FakeDapLink(drive, hexfile.stat().st_size)
    daplink.start()
    assert main(["flash", "--drive", str(drive), "--firmware", str(hexfile)]) == 0
    daplink.join(5)
    assert daplink.flashed == hexfile.read_bytes()
    out = capsys.readouterr().out
    assert "copied; the drive came back" in out and "1 of 1 boards ok" in out


def test_flash_microbit_drive_vanishing_mid_copy_fails_with_the_fix(tmp_path, hexfile, monkeypatch):
    monkeypatch.setattr(microbit, "CHUNK", 1024)
    drive = drive_in(tmp_path)

    def pull_the_cable(text, done=None, total=None):
        if done and done >= 2048:
            shutil.rmtree(drive)

    with pytest.raises(DeployError, match=r"went away during the copy \(2048 of \d+ bytes\).*flash again"):
        flash_microbit(hexfile, drive, step=pull_the_cable)


def test_flash_microbit_reports_fail_txt(tmp_path, hexfile):
    drive = drive_in(tmp_path)
    FakeDapLink(drive, hexfile.stat().st_size, fail="error: The hex file cannot be decoded").start()
    with pytest.raises(DeployError, match="refused the firmware: error: The hex file cannot be decoded"):
        flash_microbit(hexfile, drive, timeout=5)


def test_flash_microbit_drive_that_never_restarts(tmp_path, hexfile, monkeypatch):
    drive = drive_in(tmp_path)
    with pytest.raises(DeployError, match="did not restart within 0 s"):
        flash_microbit(hexfile, drive, timeout=0.2)


def test_no_image_here_says_there_is_no_network_and_where_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(images, "DEBIAN_HEX", tmp_path / "absent.hex")
    monkeypatch.setattr(images, "kit_hex", lambda: tmp_path / "absent-kit.hex")
    with pytest.raises(DeployError, match="no network.*firmware-microbit-micropython"):
        find_image("microbit-v1")
    with pytest.raises(DeployError, match="no network.*micropython.org/download/ESP32_GENERIC"):
        find_image("esp32-devkitc")
    cached = tmp_path / "kitbridge" / "firmware" / "esp32-devkitc-1.24.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\xe9")
    assert find_image("esp32-devkitc") == cached


def test_a_microbit_v1_gets_the_kits_own_image_unless_one_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    image = find_image("microbit-v1")
    assert image.name == "microbit-v1.hex" and image.parent.name == "images"
    assert b"kitbridge-" in flash_image(image, cache=tmp_path).read_bytes()  # its os.uname() names it
    cached = tmp_path / "kitbridge" / "firmware" / "microbit-v1-1.1.hex"
    cached.parent.mkdir(parents=True)
    cached.write_text(":00000001FF\n")
    assert find_image("microbit-v1") == cached


class FakeEsp:
    CHIP_NAME = "ESP32"
    BOOTLOADER_FLASH_OFFSET = 0x1000

    def __init__(self, calls):
        self.calls = calls

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("close",))

    def change_baud(self, baud):
        self.calls.append(("baud", baud))


@pytest.fixture
def esptool_calls(monkeypatch):
    """Replace esptool.cmds' functions; `calls` records them, `fail` maps a function to what it raises."""
    calls: list[tuple] = []
    fail: dict[str, list[BaseException]] = {}

    def record(name, result=None):
        def fn(*args, **kwargs):
            calls.append((name, *(args if name == "detect_chip" else args[1:])))
            if fail.get(name):
                raise fail[name].pop(0)
            return result if result is not None else (args[0] if args else None)
        return fn

    monkeypatch.setattr(esptool.cmds, "detect_chip", record("detect_chip", FakeEsp(calls)))
    for name in ("run_stub", "attach_flash", "write_flash", "reset_chip"):
        monkeypatch.setattr(esptool.cmds, name, record(name))
    return calls, fail


def test_flash_esp32_arguments(esptool_calls, tmp_path):
    calls, _ = esptool_calls
    image = tmp_path / "ESP32_GENERIC-v1.24.bin"
    image.write_bytes(b"\xe9" + b"\0" * 100)
    result = flash_esp32("/dev/ttyUSB0", image)
    assert (result.chip, result.offset, result.baud) == ("ESP32", 0x1000, 460800)
    assert calls[0] == ("detect_chip", "/dev/ttyUSB0", 115200)
    assert ("baud", 460800) in calls
    assert ("write_flash", [(0x1000, str(image))]) in calls
    assert ("reset_chip", "hard-reset") in calls


def test_flash_esp32_falls_back_to_115200(esptool_calls, tmp_path):
    calls, fail = esptool_calls
    fail["write_flash"] = [FatalError("Timed out waiting for packet header")]
    image = tmp_path / "fw.bin"
    image.write_bytes(b"\xe9")
    assert flash_esp32("/dev/ttyUSB0", image).baud == 115200
    writes = [c for c in calls if c[0] == "write_flash"]
    assert len(writes) == 2 and [c for c in calls if c[0] == "baud"] == [("baud", 460800)]


@pytest.mark.parametrize("said, line", [
    ("Wrong boot mode detected (0x13)! The chip needs to be in download mode.",
     ("/dev/ttyUSB0: the board did not enter its download mode (esptool: Wrong boot mode detected). Fix: hold the "
      "BOOT button, press and release EN/RST, let BOOT go, then flash again")),
    ("Could not open /dev/ttyUSB0, the port is busy or doesn't exist.\n([Errno 16] Device or resource busy)",
     "/dev/ttyUSB0: could not open the port (esptool: Could not open port). Fix: close the program that holds it"),
])
def test_flash_esp32_errors_become_one_line_with_the_fix(esptool_calls, tmp_path, capsys, monkeypatch, said, line):
    monkeypatch.setenv("COLUMNS", "1000")
    calls, fail = esptool_calls
    fail["detect_chip"] = [FatalError(said)]
    image = tmp_path / "fw.bin"
    image.write_bytes(b"\xe9")
    assert main(["flash", "--port", "/dev/ttyUSB0", "--board", "esp32-devkitc", "--firmware", str(image)]) == 1
    out = capsys.readouterr().out
    assert line in out and "FAILED" in out
    assert [c[0] for c in calls] == ["detect_chip"]  # no retry at a slower baud: it would not help


def test_flash_all_finds_every_microbit_drive_and_its_version(tmp_path, hexfile, capsys, monkeypatch):
    from kitbridge.cli import flash as flash_cli

    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setattr(flash_cli.discover, "serial_ports", list)
    drives = []
    for name, board_id in (("MICROBIT", "9900"), ("MICROBIT1", "9904")):
        drive = tmp_path / name
        drive.mkdir()
        (drive / "DETAILS.TXT").write_text(f"# DAPLink Firmware\nUnique ID: {board_id}000012345678\n")
        drives.append(drive)
        FakeDapLink(drive, hexfile.stat().st_size).start()
    monkeypatch.setattr(flash_cli, "microbit_drives", lambda: drives)
    assert main(["flash", "--all", "--firmware", str(hexfile)]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "copied; the drive came back" in line]
    assert len(rows) == 2 and "microbit-v1" in rows[0] and "microbit-v2" in rows[1]
