"""How a test layer reacts to a missing tool: skip with the reason, but fail on CI (CI=true),
where tools/test installs every tool and nothing but the hardware layer may skip."""

from __future__ import annotations

import os

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def tool_missing(reason: str) -> None:
    """Skip (or, on CI, fail) the calling test or fixture, naming what is missing and the fix."""
    if on_ci():
        pytest.fail(f"{reason} (on CI tools/test must install it)", pytrace=False)
    pytest.skip(f"{reason}; run tools/test to install it")
