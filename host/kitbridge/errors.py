"""Every error kitbridge raises is a KitError; each says what went wrong and what to do."""


class KitError(Exception):
    """Root of all kitbridge errors."""


class BoardNotFound(KitError):
    """No board answered where one was looked for."""


class ConnectionLost(KitError):
    """The link to the board broke (cable pulled, board reset, port closed)."""


class ProtocolError(KitError):
    """The board sent something that breaks the wire protocol, or refused a frame."""


class FirmwareMismatch(KitError):
    """The board runs no kit firmware, or one this library cannot talk to."""


class KitTimeout(KitError, TimeoutError):
    """The board did not answer in time."""


class DeviceError(KitError):
    """The board could not do what was asked; `code` is the protocol's error code."""

    def __init__(self, message: str, code: str = "E_DEVICE"):
        super().__init__(message)
        self.code = code


class DeployError(KitError):
    """Copying firmware onto a board failed; the board is left bootable."""
