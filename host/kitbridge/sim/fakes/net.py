"""Fake `network`, `usocket`, `ussl`, `ustruct`, `ubinascii`, and the real `umqtt.simple`, so a
simulated ESP32 runs firmware/kb_net.py against a real MQTT broker.

network.WLAN joins any network at once (the World logs "wifi" -> the SSID, never the password).
usocket is CPython's socket behind MicroPython's stream methods: read(n) waits for n bytes (or the
end), a non-blocking read with nothing there returns None, write(buf, n) sends buf[:n], str is
sent as UTF-8; IPv4 only, as on an ESP32. Blocking waits look at the board every 50 ms, so
switching it off or a Ctrl-C on its line ends them, as they end the rest of the firmware. The
board's sockets stay open when it is switched off: the broker learns it only from the keep-alive,
as from a board that lost power. ussl.wrap_socket encrypts without checking the certificate, as
MicroPython's does without a CA. umqtt.simple is micropython-lib's own source (micropython_lib/).
"""

from __future__ import annotations

import binascii
import builtins
import socket as _socket
import ssl as _ssl
import struct
import types
from pathlib import Path
from typing import Any

from ..runtime import Runtime

_SLICE = 0.05  # seconds a blocking wait runs before it looks at the board again
_UMQTT = Path(__file__).parent / "micropython_lib" / "umqtt" / "simple.py"
_umqtt_code: Any = None


def make_net(rt: Runtime) -> dict[str, Any]:
    """The Wi-Fi modules of one boot of an ESP32-family board."""
    from . import module

    usocket = _make_usocket(rt)
    ussl = module("ussl", wrap_socket=_wrap_socket, CERT_NONE=0, CERT_OPTIONAL=1, CERT_REQUIRED=2)
    ustruct = module("ustruct", **{n: getattr(struct, n) for n in ("pack", "pack_into", "unpack", "unpack_from",
                                                                 "calcsize")})
    ubinascii = module("ubinascii", **{n: getattr(binascii, n) for n in ("hexlify", "unhexlify", "a2b_base64",
                                                                       "b2a_base64", "crc32")})
    modules = {"network": _make_network(rt), "usocket": usocket, "ussl": ussl, "ustruct": ustruct,
               "ubinascii": ubinascii}
    modules["umqtt.simple"] = _make_umqtt(modules)
    return modules


def _make_network(rt: Runtime) -> types.ModuleType:
    from . import module

    class WLAN:
        def __init__(self, interface: int = 0) -> None:
            self._active = False
            self._ssid: str | None = None

        def active(self, on: bool | None = None) -> bool:
            if on is not None:
                self._active = bool(on)
            return self._active

        def connect(self, ssid: str | None = None, key: str | None = None, **kw: Any) -> None:
            if not self._active:
                raise OSError("Wifi Not Started")  # what an ESP32 says
            self._ssid = ssid
            rt.world.record("wifi", ssid)

        def disconnect(self) -> None:
            self._ssid = None
            rt.world.record("wifi", None)

        def isconnected(self) -> bool:
            return self._active and self._ssid is not None

        def ifconfig(self) -> tuple[str, str, str, str]:
            return ("127.0.0.1", "255.0.0.0", "127.0.0.1", "127.0.0.1")

    return module("network", WLAN=WLAN, STA_IF=0, AP_IF=1)


class _Socket:
    """A MicroPython socket: a CPython one with read/write/readinto, polled so the board can stop."""

    def __init__(self, rt: Runtime, sock: Any) -> None:
        self._rt = rt
        self._s = sock
        self._blocking = True
        sock.settimeout(_SLICE)

    def _wait(self, op: Any, *args: Any) -> Any:
        # blocking: a slice at a time, looking at the board between; else one try, None if it would block
        while True:
            self._rt.check()
            try:
                return op(*args)
            except (TimeoutError, BlockingIOError, _ssl.SSLWantReadError, _ssl.SSLWantWriteError):
                if not self._blocking:
                    return None

    def connect(self, address: Any) -> None:
        self._s.settimeout(None if self._blocking else 0)
        try:
            self._s.connect(address)  # a refused or unreachable loopback port answers at once
        finally:
            self._s.settimeout(_SLICE if self._blocking else 0.0)

    def setblocking(self, flag: bool) -> None:
        if bool(flag) != self._blocking:
            self._blocking = bool(flag)
            self._s.settimeout(_SLICE if flag else 0.0)

    def settimeout(self, seconds: float | None) -> None:
        self.setblocking(seconds is None or seconds > 0)

    def read(self, n: int = -1) -> bytes | None:
        out = b""
        while n < 0 or len(out) < n:
            data = self._wait(self._s.recv, 4096 if n < 0 else n - len(out))
            if data is None:
                return out or None
            if not data:
                break  # the other side closed
            out += data
        return out

    def recv(self, n: int) -> bytes:
        data = self._wait(self._s.recv, n)
        if data is None:
            raise OSError(11, "EAGAIN")
        return data

    def readinto(self, buf: bytearray, n: int | None = None) -> int | None:
        data = self.read(len(buf) if n is None else n)
        if data is None:
            return None
        buf[:len(data)] = data
        return len(data)

    def write(self, data: Any, n: int | None = None) -> int:
        data = bytes(data, "utf-8") if isinstance(data, str) else bytes(data)
        if n is not None:
            data = data[:n]
        sent = 0
        while sent < len(data):
            done = self._wait(self._s.send, data[sent:])
            if done is None:
                break
            sent += done
        return sent

    send = write

    def close(self) -> None:
        self._s.close()


def _make_usocket(rt: Runtime) -> types.ModuleType:
    from . import module

    def socket(af: int = _socket.AF_INET, kind: int = _socket.SOCK_STREAM, proto: int = 0) -> _Socket:
        return _Socket(rt, _socket.socket(af, kind, proto))

    def getaddrinfo(host: str, port: int, af: int = 0, kind: int = 0, proto: int = 0, flags: int = 0) -> list:
        try:
            found = _socket.getaddrinfo(host, port, _socket.AF_INET, _socket.SOCK_STREAM)
        except _socket.gaierror:
            raise OSError(-202) from None  # what an ESP32 says for a name it cannot look up
        return [(f, t, p, "", a) for f, t, p, _, a in found]

    return module("usocket", socket=socket, getaddrinfo=getaddrinfo, AF_INET=_socket.AF_INET,
                  SOCK_STREAM=_socket.SOCK_STREAM, SOCK_DGRAM=_socket.SOCK_DGRAM)


def _wrap_socket(sock: _Socket, server_side: bool = False, key: Any = None, cert: Any = None, cert_reqs: int = 0,
                 cadata: Any = None, server_hostname: str | None = None, do_handshake: bool = True) -> _Socket:
    context = _ssl.SSLContext(_ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = _ssl.CERT_NONE
    sock._s.settimeout(None)
    wrapped = context.wrap_socket(sock._s, server_hostname=server_hostname)
    return _Socket(sock._rt, wrapped)


def _make_umqtt(modules: dict[str, Any]) -> types.ModuleType:
    global _umqtt_code
    if _umqtt_code is None:
        _umqtt_code = compile(_UMQTT.read_text(encoding="utf-8"), "umqtt/simple.py", "exec", dont_inherit=True)

    def import_(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if name in modules:
            return modules[name]
        return builtins.__import__(name, globals, locals, fromlist, level)

    m = types.ModuleType("umqtt.simple")
    m.__dict__["__builtins__"] = dict(vars(builtins), __import__=import_)
    exec(_umqtt_code, m.__dict__)
    return m
