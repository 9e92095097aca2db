"""The wheel a user installs: built from the checkout, installed into a fresh virtual environment
(dependencies from the package index), `kitbridge demo` run from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA_FILES = ("kitbridge/_data/firmware/main.py", "kitbridge/_data/boards/mpython.toml",
              "kitbridge/_data/lessons/01_blink/lesson.py", "kitbridge/_data/images/microbit-v1.hex",
              "kitbridge/_data/images/microbit-v1.copyright")


def user_env() -> dict[str, str]:
    """No PYTHONPATH (the checkout's host/ must not leak in) and nothing that redirects the demo."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "KITBRIDGE_DEBUG", "KITBRIDGE_PORT")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=user_env(), capture_output=True, text=True, encoding="utf-8",
                            timeout=timeout, check=False)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout[-3000:]}"
                    f"\n{result.stderr[-3000:]}", pytrace=False)
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(wheel, the venv's python, a scratch folder outside the checkout) with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(REPO)],
        cwd=tmp, timeout=300)
    wheels = list((tmp / "dist").glob("kitbridge-*.whl"))
    assert len(wheels) == 1, wheels
    run([sys.executable, "-m", "venv", str(tmp / "venv")], cwd=tmp, timeout=120)
    python = tmp / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", str(wheels[0])], cwd=tmp, timeout=300)
    return wheels[0], python, tmp


@pytest.mark.slow
def test_installed_wheel_runs_the_demo(installed):
    from kitbridge.discover import serial_ports

    if any(port.candidates for port in serial_ports()):
        pytest.skip("a kit board is attached, so the demo would not use the simulator")
    _wheel, python, tmp = installed
    result = run([str(python.parent / "kitbridge"), "demo"], cwd=tmp, timeout=120)
    out = result.stdout
    assert "No kit board answered" in out
    position = 0
    for text in ("LED on", "button A pressed (simulated)", "Button A pressed", "Demo finished."):
        position = out.find(text, position)
        assert position >= 0, f"{text!r} missing (or out of order) in:\n{out}"
    assert result.stderr == ""


@pytest.mark.slow
def test_installed_package_holds_its_data_and_nothing_from_the_checkout(installed):
    wheel, python, tmp = installed
    where = run([str(python), "-c", "import kitbridge, pathlib; print(pathlib.Path(kitbridge.__file__).parent)"],
                cwd=tmp, timeout=60).stdout.strip()
    package = Path(where)
    assert package.is_relative_to(tmp / "venv"), f"kitbridge imported from {package}, not the new venv"
    site = package.parent
    for name in DATA_FILES:
        assert (site / name).is_file(), f"{name} is not installed"
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")], "compiled files in the wheel"
    assert set(DATA_FILES) <= set(names)
