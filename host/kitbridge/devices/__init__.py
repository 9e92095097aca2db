"""Host-side device classes, one small module per device family."""

from .button import Button
from .led import LED
from .pin import Pin

__all__ = ["Button", "LED", "Pin"]
