"""Run a real Mosquitto on a loopback port, with a password file, optionally TLS with a throwaway CA."""

from __future__ import annotations

import datetime
import getpass
import ipaddress
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

USER, PASSWORD = "teacher", "s3cret-pass"
DESKS = {"desk-07": "desk7-pass", "desk-08": "desk8-pass"}  # desk accounts, as docs/classroom-wifi.md makes them
DOCS = Path(__file__).resolve().parents[2] / "docs" / "classroom-wifi.md"
START_TIMEOUT = 10.0


def _find(name: str) -> str | None:
    return shutil.which(name) or next((str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name)
                                       if p.exists()), None)


def classroom_acl() -> str:
    """The ACL file exactly as docs/classroom-wifi.md gives it (the code block after its marker)."""
    import re

    found = re.search(r"<!-- kitbridge\.acl:[^\n]*-->\n```\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    if found is None:
        raise AssertionError(f"no kitbridge.acl block in {DOCS}")
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Broker:
    """One mosquitto process; stop() and start() again on the same port (a broker restart)."""

    exe: str
    conf: Path
    port: int
    tls: bool = False
    ca: Path | None = None
    user: str = USER
    password: str = PASSWORD
    log: Path = field(default_factory=Path)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.user}:{self.password}@127.0.0.1:{self.port}"

    def board_url(self, board_id: str) -> str:
        return f"{self.url}/{board_id}" + (f"?ca={self.ca}" if self.tls else "")

    def start(self) -> None:
        self.log.write_text("")
        self.proc = subprocess.Popen([self.exe, "-c", str(self.conf)], stdout=self.log.open("a"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:  # waits on the listening socket, not a guessed delay
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited at start: {self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {START_TIMEOUT} s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


def make_broker(tmp: Path, tls: bool, *, acl: str | None = None, users: dict[str, str] | None = None) -> Broker:
    """A broker with the account USER (and `users`: name -> password), and `acl` as its acl_file."""
    exe, passwd = _find("mosquitto"), _find("mosquitto_passwd")
    if exe is None or passwd is None:
        raise FileNotFoundError("mosquitto")
    pwfile = tmp / "passwd"
    pwfile.write_text("")
    for name, password in {USER: PASSWORD, **(users or {})}.items():
        subprocess.run([passwd, "-b", str(pwfile), name, password], check=True, capture_output=True)
    pwfile.chmod(0o600)
    port = free_port()
    # `user`: run as root, mosquitto would switch to a user who cannot read these files
    lines = [f"listener {port} 127.0.0.1", f"password_file {pwfile}", "allow_anonymous false",
             "persistence false",
             f"user {getpass.getuser()}", "log_dest stdout", "log_type error", "log_type warning"]
    if acl is not None:
        (tmp / "kitbridge.acl").write_text(acl)
        lines.append(f"acl_file {tmp / 'kitbridge.acl'}")
    ca = None
    if tls:
        ca, cert, key = _throwaway_tls(tmp)
        lines += [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}"]
    conf = tmp / "mosquitto.conf"
    conf.write_text("\n".join(lines) + "\n")
    return Broker(exe, conf, port, tls=tls, ca=ca, log=tmp / "mosquitto.log")


def _throwaway_tls(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1/localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kitbridge test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp / "ca.pem", tmp / "server.pem", tmp / "server.key"
    paths[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    paths[2].chmod(0o600)
    return paths




class HelloWatch:
    """Every board hello the broker delivers, as it arrives: wait(board_id, online) waits for one."""

    def __init__(self, address) -> None:
        import threading

        from kitbridge.link.mqtt_broker import connect, parse_hello

        self.seen: list[tuple[str, dict]] = []
        self._cv = threading.Condition()

        def on_message(client, userdata, message) -> None:
            hello = parse_hello(message.payload)
            if hello is not None:
                with self._cv:
                    self.seen.append((message.topic.split("/")[1], hello))
                    self._cv.notify_all()

        self._client = connect(address, on_message=on_message)
        self._client.subscribe("kitbridge/+/hello")

    def wait(self, board_id: str, online: bool, timeout: float) -> dict | None:
        """The board's latest hello once it says `online`, or None after `timeout` seconds."""

        def latest() -> dict | None:
            mine = [h for b, h in self.seen if b == board_id]
            return mine[-1] if mine and mine[-1]["online"] == online else None

        with self._cv:
            self._cv.wait_for(lambda: latest() is not None, timeout)
            return latest()

    def close(self) -> None:
        from kitbridge.link.mqtt_broker import stop

        stop(self._client)

    def __enter__(self) -> HelloWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
