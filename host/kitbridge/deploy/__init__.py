"""Putting the kit firmware on boards: which files, and copying them over the raw REPL."""

from .copier import DeployReport, deploy
from .files import MANIFEST, deploy_files, firmware_version

__all__ = ["MANIFEST", "DeployReport", "deploy", "deploy_files", "firmware_version"]
