"""Copy the kit firmware onto a board over its raw REPL: safely, and only what changed.

First MicroPython restarts inside the raw REPL (which skips main.py), so the whole heap is
free: a stopped agent keeps its modules loaded, too many to parse `import os` on a micro:bit v1.
Safe order (the board is bootable at every step): remove main.py and the manifest first, so
a cut deploy boots to the REPL and never imports a half-written module; write each changed
file and check its length on the board; write the manifest (hashes computed on the host);
write main.py last; soft-reboot and check that the agent answers `hello` as expected.
MicroPython 1.9.2 on the micro:bit has no os.rename, os.stat or hashlib, so only plain
open/write/close, os.listdir, os.remove and os.size (os.stat elsewhere) are used.
"""

from __future__ import annotations

import ast
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import labels, wire
from ..boards import BoardSpec
from ..errors import DeployError, DeviceError, KitError
from ..link.rawrepl import RawRepl, literal_pieces
from .files import BOARD_MODULE, MANIFEST, deploy_files, digest, firmware_version, manifest_text, parse_manifest

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (file name, bytes of it written so far, its size)


@dataclass
class DeployReport:
    """What a deploy did, and what the board said after it restarted."""

    port: str
    board: str  # board kind the agent reported
    firmware: str  # firmware version the agent reported
    files_sent: list[str]
    files_skipped: list[str]
    files_removed: list[str]
    bytes_on_wire: int  # every byte sent to the board, commands included
    firmware_bytes: int  # size of the firmware files this board kind gets
    seconds: float
    handshake: bool
    hello: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The board's label after the deploy ('' when it has none)."""
        return labels.from_hello(self.hello)

    @property
    def heap(self) -> int | None:
        """Free heap the agent reported after start, in bytes."""
        value = self.hello.get("heap", "")
        return int(value) if value.isdigit() else None


def deploy(target: Any, spec: BoardSpec, progress: Progress | None = None, force: bool = False,
           *, timeout: float = 10.0, label: str | None = None,
           extra: dict[str, bytes] | None = None) -> DeployReport:
    """Put the kit firmware for `spec`'s kind on the board at `target` and restart it.

    `target` is a RawRepl, a pyserial-like port object, or a port name. Files whose hash
    matches the board's manifest are not sent again unless `force`. `label` names the board
    (see kitbridge.labels); None keeps the label the board has. DeployError (the board
    stays bootable) when the board cannot be reached or the agent does not start. `extra` adds
    files beside the firmware (kb_net.json, deploy/netconfig.py); a later deploy without them
    leaves them on the board.
    """
    expected_fw = firmware_version(deploy_files(spec))
    repl, close = _session(target, spec)
    started = time.monotonic()
    sent_before = repl.bytes_sent
    try:
        try:
            files, sent, skipped, removed = _copy(repl, spec, label, progress, force, timeout, extra)
            hello = _restart_and_greet(repl, timeout)
        except DeployError:
            raise
        except KitError as exc:
            raise DeployError(
                f"deploy to {repl.name} stopped: {exc}. The board stays usable (it starts at its REPL "
                "until a deploy completes); run the deploy again") from exc
    finally:
        if close:
            close()
    board, fw = hello.get("board", "?"), hello.get("fw", "?")
    if board != spec.kind:
        raise DeployError(f"the board says it is a {board}, but the deploy was for {spec.kind}; "
                          f"deploy the firmware for {board} instead")
    if fw != expected_fw:
        raise DeployError(f"the board runs firmware {fw} after the deploy, expected {expected_fw}; "
                          "deploy again with --force")
    report = DeployReport(
        port=repl.name, board=board, firmware=fw, files_sent=sent, files_skipped=skipped,
        files_removed=removed, bytes_on_wire=repl.bytes_sent - sent_before,
        firmware_bytes=sum(len(d) for d in files.values()), seconds=time.monotonic() - started,
        handshake=True, hello=hello)
    logger.info("deployed firmware %s to %s (%s): %d files sent, %d unchanged, %d bytes in %.2f s",
                fw, repl.name, board, len(sent), len(skipped), report.bytes_on_wire, report.seconds)
    return report


def _session(target: Any, spec: BoardSpec) -> tuple[RawRepl, Callable[[], None] | None]:
    if isinstance(target, RawRepl):
        return target, None
    if isinstance(target, str):
        from ..link.serial_link import SerialLink

        try:
            link = SerialLink(target, spec.baud, pty=target.startswith("/dev/pts/"))
        except KitError as exc:
            raise DeployError(str(exc)) from exc
        return RawRepl(link.port_object, name=target), link.close
    return RawRepl(target, name=str(getattr(target, "port", None) or "the board")), None


def _copy(repl: RawRepl, spec: BoardSpec, label: str | None, progress: Progress | None, force: bool,
          timeout: float, extra: dict[str, bytes] | None = None
          ) -> tuple[dict[str, bytes], list[str], list[str], list[str]]:
    """Write what differs; (the files, sent, skipped, removed file names)."""
    repl.interrupt(timeout)
    repl.enter(timeout, soft_reset=True)
    repl.exec("import os", timeout)
    listing = _literal(repl.exec("print(os.listdir())", timeout), list)
    if label is None:  # a redeploy keeps the teacher's name for the board
        label = ""
        if BOARD_MODULE in listing:
            repl.exec(f"f=open({BOARD_MODULE!r})", timeout)
            label = labels.from_constants(repl.exec("print(f.read());f.close()", timeout))
    files = deploy_files(spec, label, _built_in(repl, timeout))
    if extra:  # settings files go before main.py, which is written last
        main = files.pop("main.py")
        files.update(extra)
        files["main.py"] = main
    manifest: dict[str, str] = {}
    if MANIFEST in listing and not force:
        repl.exec(f"f=open({MANIFEST!r})", timeout)
        manifest = parse_manifest(repl.exec("print(f.read());f.close()", timeout))
    changed = [n for n, d in files.items() if n not in listing or manifest.get(n) != digest(d)]
    # Firmware files an older version had and this one has not (a removed driver must go).
    stale = [n for n in listing if n.startswith("kb_") and n.endswith(".py") and n not in files]
    if not changed and not stale:
        return files, [], list(files), []
    if "main.py" not in changed:
        changed.append("main.py")  # it is removed first, so it is always written back
    for name in ["main.py", MANIFEST] + stale:
        if name in listing:
            repl.exec(f"os.remove({name!r})", timeout)
    has_size = _literal(repl.exec("print(hasattr(os,'size'))", timeout), bool)
    for name in changed:
        if name == "main.py":
            _write(repl, MANIFEST, manifest_text(files).encode("ascii"), has_size, None, timeout)
        _write(repl, name, files[name], has_size, progress, timeout)
    return files, changed, [n for n in files if n not in changed], stale


def _built_in(repl: RawRepl, timeout: float) -> dict[str, str]:
    """name -> sha256 of the kit files the board's MicroPython image holds (none in most images)."""
    try:
        found = repl.exec("import kb_frozen as F;print(F.FILES)", timeout)  # one burst: no pieces
    except DeviceError as exc:
        if "no module named 'kb_frozen'" in str(exc).lower():
            return {}
        raise
    files = _literal(found, dict)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise DeployError(f"the board's kb_frozen.FILES is not a table of file names and hashes ({found[:80]!r}); "
                          "flash the kit's MicroPython image again (`kitbridge flash`)")
    return files


def _write(repl: RawRepl, name: str, data: bytes, has_size: bool, progress: Progress | None,
           timeout: float) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeployError(f"firmware file {name} is not UTF-8 text ({exc}); fix the file") from exc
    try:
        repl.exec(f"f=open({name!r},'w');w=f.write", timeout)
        # Each command fits the board's input buffer whole, so the board's OK paces the copy.
        budget = repl.burst - len("w()\x04")
        done = 0
        for literal, size in literal_pieces(text, budget):
            repl.exec(f"w({literal})", timeout)
            done += size
            if progress:
                progress(name, done, len(data))
        repl.exec("f.close()", timeout)
        check = "print(os.size(%r))" if has_size else "print(os.stat(%r)[6])"
        on_board = _literal(repl.exec(check % name, timeout), int)
    except DeviceError as exc:
        if "OSError: 28" in str(exc) or "ENOSPC" in str(exc):
            raise DeployError(f"the board's file system is full while writing {name}; remove your own files "
                              "from the board (os.remove) and deploy again") from exc
        raise DeployError(f"writing {name} on {repl.name} failed: {exc}") from exc
    if on_board != len(data):
        raise DeployError(f"{name} holds {on_board} bytes on the board after writing, expected {len(data)}: "
                          "input was lost on the way; deploy again (with a slower link if it repeats)")
    if progress and not data:
        progress(name, 0, 0)
    logger.debug("wrote %s (%d bytes)", name, len(data))


def _literal(text: str, kind: type) -> Any:
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, kind):
        raise DeployError(f"the board answered {text[:80]!r} where a {kind.__name__} was expected; "
                          "is it running MicroPython? Press reset and deploy again")
    return value


def _restart_and_greet(repl: RawRepl, timeout: float) -> dict[str, str]:
    """Soft-reboot, wait for the agent's boot event, then ask `hello`; its key=value words."""
    repl.leave(timeout)
    repl.soft_reboot(timeout)
    console: list[str] = []
    _await(repl, timeout, console, lambda item: isinstance(item, wire.Event) and item.name == "boot")
    repl.write(wire.encode_request(1, "hello"))
    reply = _await(repl, timeout, console, lambda item: isinstance(item, wire.Reply) and item.rid == 1)
    if not reply.ok:
        raise DeployError(f"the agent refused hello: {reply.code} {reply.text}; deploy again with --force")
    return dict(w.split("=", 1) for w in reply.text.split() if "=" in w)


def _await(repl: RawRepl, timeout: float, console: list[str], wanted: Callable[[Any], bool]) -> Any:
    """Read board lines until one is `wanted`; bytes after it stay in the session for the next reader."""
    deadline = time.monotonic() + timeout
    buf = b""
    while True:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            item = wire.classify(line)
            if wanted(item):
                repl.unread(buf)
                return item
            if isinstance(item, wire.Console) and item.text.strip():
                console.append(item.text.strip())
        if buf.endswith(b">>> "):
            said = "\n".join(console[-8:])
            raise DeployError(f"the kit firmware stopped on the board right after it started:\n{said}\n"
                              "If this is a MemoryError, the board has too little free memory for the firmware; "
                              "report it with this text")
        left = deadline - time.monotonic()
        if left <= 0:
            said = " | ".join(console[-4:]) or "nothing"
            raise DeployError(f"the kit firmware did not answer within {timeout:.0f} s after the restart "
                              f"(board said: {said}); press reset and deploy again")
        buf += repl.read_some(left)
