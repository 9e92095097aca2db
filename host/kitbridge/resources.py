"""Where kitbridge's data folders are: inside the installed wheel, or in the repo checkout."""

from pathlib import Path

from .errors import KitError


def _find(name: str) -> Path:
    # The wheel puts the folders under kitbridge/_data/; a checkout keeps them at the repo root.
    here = Path(__file__)
    candidates = (here.parent / "_data" / name, here.resolve().parents[2] / name)
    for path in candidates:
        if path.is_dir():
            return path
    looked = " and ".join(str(p) for p in candidates)
    raise KitError(
        f"kitbridge's {name}/ folder is missing (looked in {looked}); the installation is incomplete: "
        "reinstall with `pip install --force-reinstall kitbridge`, or from a checkout `pip install -e .`"
    )


def firmware_dir() -> Path:
    """The folder of board firmware files (copied onto boards by deploy)."""
    return _find("firmware")


def boards_dir() -> Path:
    """The folder of board definitions, boards/<kind>.toml."""
    return _find("boards")


def lessons_dir() -> Path:
    """The folder of numbered lessons."""
    return _find("lessons")


def images_dir() -> Path:
    """The folder of MicroPython images the kit flashes (the micro:bit v1's, with the core built in)."""
    return _find("images")
