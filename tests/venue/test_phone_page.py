"""The organizer's "Mở trên điện thoại" page and the CA certificate's download."""

from __future__ import annotations

import pytest
from cryptography import x509

from eventapp.venue import serve, tls

HTTPS = "https://localhost:8443"


@pytest.fixture
def lan(monkeypatch):
    monkeypatch.setenv(tls.ADDRESSES_ENV, "192.168.1.20,10.0.0.5")
    monkeypatch.delenv(serve.MODE_ENV, raising=False)


@pytest.fixture
def local_ca(app, lan) -> tls.TlsFiles:
    files = tls.tls_folder(app.instance_path)
    tls.ensure_certificates(files, tls.server_names(tls.lan_addresses()))
    return files


def test_organizer_sees_the_scanner_address_the_ca_and_how_to_install_it(
        client, login, users, local_ca):
    login(users["organizer"])
    response = client.get("/checkin/phone/", base_url=HTTPS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "https://10.0.0.5:8443/checkin/" in html  # the first LAN address, same port
    for url in ("https://10.0.0.5:8443", "https://192.168.1.20:8443", "https://localhost:8443"):
        assert f"<code>{url}</code>" in html
    # The scanner's QR code and the CA download's (the header's bell is an icon too).
    assert html.split("<main", 1)[1].count("<svg") == 2
    assert "https://10.0.0.5:8443/checkin/phone/eventapp-ca.crt" in html
    assert tls.ca_fingerprint(local_ca) in html
    for step in ("Android", "Chứng chỉ CA", "iPhone", "Cài đặt tin cậy chứng nhận",
                 "Nâng cao", "Hiển thị chi tiết"):
        assert step in html
    assert "PRIVATE KEY" not in html and "Máy chủ đang chạy không mã hóa" not in html


def test_the_ca_certificate_downloads_for_anyone_as_der_and_no_key_ever(
        client, local_ca):
    response = client.get("/checkin/phone/eventapp-ca.crt", base_url=HTTPS)
    assert response.status_code == 200
    assert response.mimetype == "application/x-x509-ca-cert"
    assert "eventapp-ca.crt" in response.headers["Content-Disposition"]
    cert = x509.load_der_x509_certificate(response.data)
    assert cert == x509.load_pem_x509_certificate(local_ca.ca_cert.read_bytes())
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for path in ("/checkin/phone/ca.key", "/checkin/phone/server.key",
                 "/checkin/phone/../tls/ca.key", "/static/../instance/tls/ca.key"):
        assert b"PRIVATE KEY" not in client.get(path, base_url=HTTPS).data


def test_without_a_local_ca_there_is_nothing_to_download(client):
    assert client.get("/checkin/phone/eventapp-ca.crt").status_code == 404


def test_over_plain_http_the_page_says_the_camera_needs_serve(client, login, users, lan,
                                                            monkeypatch):
    monkeypatch.setenv(serve.MODE_ENV, "http")
    login(users["organizer"])
    html = client.get("/checkin/phone/", base_url="http://localhost:8000").get_data(
        as_text=True)
    assert "http://10.0.0.5:8000/checkin/" in html
    assert "Máy chủ đang chạy không mã hóa" in html and "flask --app eventapp serve" in html
    assert "eventapp-ca.crt" not in html


def test_with_the_users_own_certificate_nothing_needs_installing(
        client, login, users, local_ca, monkeypatch):
    monkeypatch.setenv(serve.MODE_ENV, "own")
    login(users["organizer"])
    html = client.get("/checkin/phone/", base_url="https://localhost").get_data(
        as_text=True)
    assert "https://10.0.0.5/checkin/" in html
    assert "chứng chỉ riêng" in html and "eventapp-ca.crt" not in html


def test_check_in_staff_neither_open_it_nor_see_the_link(client, login, users, lan):
    login(users["checkin"])
    assert client.get("/checkin/phone/", base_url=HTTPS).status_code == 403
    assert "Mở trên điện thoại" not in client.get("/checkin/").get_data(as_text=True)


def test_the_check_in_page_links_it_for_organizers(client, login, users):
    login(users["organizer"])
    assert 'href="/checkin/phone/">Mở trên điện thoại' in \
        client.get("/checkin/").get_data(as_text=True)
