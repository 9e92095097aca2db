"""Run a real Mosquitto (Debian's `mosquitto`) on a free loopback port: a password file, optionally TLS
with a throwaway CA. Shared by tools/bench-mqtt and the tests' broker fixtures (tests/mqtt/broker_proc.py);
it starts a process for a test or a measurement, so it is no part of the library."""

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
START_TIMEOUT = 10.0


def _find(name: str) -> str | None:
    return shutil.which(name) or next((str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name)
                                       if p.exists()), None)


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

    def __enter__(self) -> Broker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_broker(tmp: Path, tls: bool, *, acl: str | None = None, users: dict[str, str] | None = None) -> Broker:
    """A broker (not started) with the account USER (and `users`: name -> password), and `acl` as its acl_file.

    FileNotFoundError when mosquitto is not installed; ImportError for TLS without `cryptography`."""
    exe, passwd = _find("mosquitto"), _find("mosquitto_passwd")
    if exe is None or passwd is None:
        raise FileNotFoundError("mosquitto")
    ca = None
    tls_lines = []
    if tls:
        ca, cert, key = _throwaway_tls(tmp)
        tls_lines = [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}"]
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
    conf = tmp / "mosquitto.conf"
    conf.write_text("\n".join(lines + tls_lines) + "\n")
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
