"""HTTPS on the venue LAN: a small local certificate authority and the server's certificate.

Phones refuse the camera on plain HTTP, and a hall has no public name to get a certificate
for, so ``flask serve`` makes its own CA once (kept for ten years: a phone that trusts it
keeps trusting it) and a server certificate for this machine's hostname and every LAN
address. The server certificate is issued again when the addresses change (another Wi-Fi,
another DHCP lease) or it nears its end. Everything lives in ``instance/tls/``; private
keys are readable by their owner only and never leave that folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import socket
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: Overrides address discovery: comma-separated IPv4 addresses (tests, odd networks).
ADDRESSES_ENV = "EVENTAPP_LAN_ADDRESSES"
CA_DAYS = 3650
#: Apple refuses TLS server certificates valid for more than 825 days, Chrome past 398
#: when publicly trusted: stay under both.
SERVER_DAYS = 397
#: Issue a fresh server certificate when the old one has less than this left.
RENEW_BEFORE = timedelta(days=30)
LOOPBACK = ("localhost", "127.0.0.1")
_SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address


@dataclass(frozen=True)
class TlsFiles:
    """The files of ``instance/tls/``: what gunicorn and the phone page need."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def cert(self) -> Path:
        return self.folder / "server.crt"

    @property
    def key(self) -> Path:
        return self.folder / "server.key"


def tls_folder(instance_path: str | Path) -> TlsFiles:
    return TlsFiles(Path(instance_path) / "tls")


# --- Where the phones can reach us -----------------------------------------------------------

def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, in a stable order.

    ``EVENTAPP_LAN_ADDRESSES`` (comma-separated) replaces the discovery.
    """
    configured = os.environ.get(ADDRESSES_ENV)
    if configured is not None:
        found = {str(ipaddress.IPv4Address(a.strip())) for a in configured.split(",")
                 if a.strip()}
    else:
        found = _interface_addresses() | _resolved_addresses()
    return sorted((a for a in found if not ipaddress.IPv4Address(a).is_loopback),
                  key=ipaddress.IPv4Address)


def _interface_addresses() -> set[str]:
    """Each network interface's IPv4 address (Linux), without any third-party package."""
    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            found.add(socket.inet_ntoa(answer[20:24]))
    return found


def _resolved_addresses() -> set[str]:
    """What the hostname resolves to, and the address of the default route (no packet is
    sent: connecting a UDP socket only chooses the route)."""
    found = set()
    with contextlib.suppress(OSError):
        found.update(info[4][0] for info in
                     socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, \
            contextlib.suppress(OSError):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere for real
        found.add(sock.getsockname()[0])
    return found


def server_names(addresses: list[str]) -> list[str]:
    """Every name the server certificate must hold: hostname, loopback, LAN addresses."""
    host = socket.gethostname().strip().lower()
    names = [host] if host and host != "localhost" else []
    return names + [n for n in (*LOOPBACK, *addresses) if n not in names]


# --- The certificates ---------------------------------------------------------------------

def ensure_certificates(files: TlsFiles, names: list[str], *, now: datetime | None = None
                        ) -> bool:
    """Make the CA if there is none and (re)issue the server certificate unless it already
    covers exactly ``names``, is signed by this CA and has time left. True if issued."""
    now = now or datetime.now(UTC)
    files.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(files.folder, 0o700)
    if not (files.ca_cert.exists() and files.ca_key.exists()):
        _make_ca(files, now)
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    if _current(files, ca_cert, names, now):
        return False
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    _issue_server(files, ca_cert, ca_key, names, now)
    return True


def certificate_names(cert: x509.Certificate) -> list[str]:
    """The DNS names and IP addresses of a certificate's subjectAltName, as strings."""
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(n) for n in san.get_values_for_type(x509.DNSName)] + \
        [str(n) for n in san.get_values_for_type(x509.IPAddress)]


def ca_der(files: TlsFiles) -> bytes | None:
    """The CA certificate in DER (what Android and iOS install from a ``.crt``), if any."""
    if not files.ca_cert.exists():
        return None
    cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    return cert.public_bytes(serialization.Encoding.DER)


def ca_fingerprint(files: TlsFiles) -> str | None:
    """SHA-256 of the CA certificate, as phones show it (AB:CD:…), to compare before trusting."""
    der = ca_der(files)
    if der is None:
        return None
    cert = x509.load_der_x509_certificate(der)
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _current(files: TlsFiles, ca_cert: x509.Certificate, names: list[str],
             now: datetime) -> bool:
    if not (files.cert.exists() and files.key.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        cert.verify_directly_issued_by(ca_cert)
        key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return (key.public_key() == cert.public_key()
            and sorted(certificate_names(cert)) == sorted(_san_strings(names))
            and cert.not_valid_after_utc - now > RENEW_BEFORE)


def _san_strings(names: list[str]) -> list[str]:
    return [str(entry.value) for entry in _san(names)]


def _san(names: list[str]) -> list[x509.GeneralName]:
    entries: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def _make_ca(files: TlsFiles, now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    host = socket.gethostname() or "may-chu"
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "eventapp"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"eventapp CA cục bộ ({host})"[:64]),
    ])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(files.ca_key, key)
    _write(files.ca_cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _issue_server(files: TlsFiles, ca_cert: x509.Certificate, ca_key, names: list[str],
                  now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    ca_public = ca_cert.public_key()
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(_san(names)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False,
                                         content_commitment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(files.key, key)
    _write(files.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _write_key(path: Path, key) -> None:
    _write(path, key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()), 0o600)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write beside the target and rename: a server started meanwhile never reads half a
    file, and a key is never readable by others, not even for a moment."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, mode)  # whatever the umask
    os.replace(temporary, path)
