"""Host-side device classes, one small module per device family.

Every module in this package is imported here, so its @onboard and @export
registrations (registry.py) take effect; nothing else needs editing to add one.
"""

import importlib
import pkgutil

from .button import Button
from .led import LED
from .pin import Pin
from .registry import EXPORTS, ONBOARD

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "registry"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Button", "LED", "Pin", "EXPORTS", "ONBOARD"]
