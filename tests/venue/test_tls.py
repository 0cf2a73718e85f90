"""The local CA and the server certificate (eventapp/venue/tls.py), read back with
cryptography: names, chain, usages, key permissions, and when a new certificate is issued."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from eventapp.venue import tls

NAMES = ["hoitruong", "localhost", "127.0.0.1", "192.168.1.20", "10.0.0.5"]


def load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_call_makes_a_ca_and_a_server_certificate_for_every_name(tls_files):
    assert tls.ensure_certificates(tls_files, NAMES) is True
    ca, server = load(tls_files.ca_cert), load(tls_files.cert)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    server.verify_directly_issued_by(ca)
    assert sorted(tls.certificate_names(server)) == sorted(NAMES)
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1"),
                                                       ipaddress.ip_address("192.168.1.20"),
                                                       ipaddress.ip_address("10.0.0.5")]
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usages = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.SERVER_AUTH]
    # iOS refuses server certificates valid for more than 825 days.
    assert server.not_valid_after_utc - server.not_valid_before_utc < timedelta(days=825)
    assert mode(tls_files.ca_key) == mode(tls_files.key) == 0o600
    assert mode(tls_files.folder) == 0o700
    assert b"PRIVATE KEY" not in tls_files.ca_cert.read_bytes() + tls_files.cert.read_bytes()
    assert not list(tls_files.folder.glob("*.tmp"))


def test_same_names_keep_the_certificate(tls_files):
    tls.ensure_certificates(tls_files, NAMES)
    before = tls_files.cert.read_bytes(), tls_files.key.read_bytes()
    assert tls.ensure_certificates(tls_files, list(reversed(NAMES))) is False
    assert (tls_files.cert.read_bytes(), tls_files.key.read_bytes()) == before


def test_new_addresses_renew_the_server_certificate_and_keep_the_ca(tls_files):
    tls.ensure_certificates(tls_files, NAMES)
    ca_before, key_before = tls_files.ca_cert.read_bytes(), tls_files.ca_key.read_bytes()
    old = load(tls_files.cert)
    moved = ["hoitruong", "localhost", "127.0.0.1", "172.16.0.9"]
    assert tls.ensure_certificates(tls_files, moved) is True
    new = load(tls_files.cert)
    assert sorted(tls.certificate_names(new)) == sorted(moved)
    assert new.serial_number != old.serial_number
    assert (tls_files.ca_cert.read_bytes(), tls_files.ca_key.read_bytes()) == \
        (ca_before, key_before)
    new.verify_directly_issued_by(load(tls_files.ca_cert))  # phones keep trusting it
    assert mode(tls_files.key) == 0o600


def test_a_certificate_near_its_end_is_renewed(tls_files):
    tls.ensure_certificates(tls_files, NAMES)
    old = load(tls_files.cert)
    later = datetime.now(UTC) + timedelta(days=tls.SERVER_DAYS) - tls.RENEW_BEFORE / 2
    assert tls.ensure_certificates(tls_files, NAMES, now=later) is True
    assert load(tls_files.cert).not_valid_after_utc > old.not_valid_after_utc


def test_a_certificate_from_another_ca_is_replaced(tls_files, tmp_path):
    other = tls.TlsFiles(tmp_path / "other")
    tls.ensure_certificates(other, NAMES)
    tls.ensure_certificates(tls_files, NAMES)
    tls_files.cert.write_bytes(other.cert.read_bytes())
    tls_files.key.write_bytes(other.key.read_bytes())
    assert tls.ensure_certificates(tls_files, NAMES) is True
    load(tls_files.cert).verify_directly_issued_by(load(tls_files.ca_cert))


def test_the_ca_download_is_der_of_the_ca_only(tls_files):
    assert tls.ca_der(tls_files) is None and tls.ca_fingerprint(tls_files) is None
    tls.ensure_certificates(tls_files, NAMES)
    der = tls.ca_der(tls_files)
    assert x509.load_der_x509_certificate(der) == load(tls_files.ca_cert)
    assert len(tls.ca_fingerprint(tls_files).split(":")) == 32


def test_addresses_come_from_the_environment_when_given(monkeypatch):
    monkeypatch.setenv(tls.ADDRESSES_ENV, " 192.168.1.20, 10.0.0.5,127.0.0.1,, 10.0.0.5")
    assert tls.lan_addresses() == ["10.0.0.5", "192.168.1.20"]
    monkeypatch.setenv(tls.ADDRESSES_ENV, "")
    assert tls.lan_addresses() == []
    monkeypatch.setenv(tls.ADDRESSES_ENV, "hoitruong.local")
    with pytest.raises(ValueError):
        tls.lan_addresses()


def test_discovered_addresses_are_this_machines_ipv4(monkeypatch):
    monkeypatch.delenv(tls.ADDRESSES_ENV, raising=False)
    found = tls.lan_addresses()
    assert all(not ipaddress.IPv4Address(a).is_loopback for a in found)
    names = tls.server_names(found)
    assert names[-len(found) - 2:] == ["localhost", "127.0.0.1", *found]


def test_a_key_that_does_not_match_the_certificate_is_replaced(tls_files, tmp_path):
    other = tls.TlsFiles(tmp_path / "other")
    tls.ensure_certificates(other, NAMES)
    tls.ensure_certificates(tls_files, NAMES)
    tls_files.key.write_bytes(other.key.read_bytes())
    assert tls.ensure_certificates(tls_files, NAMES) is True
