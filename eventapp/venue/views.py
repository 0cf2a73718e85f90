"""The organizer's "Mở trên điện thoại" page: the scanner's LAN address as a QR code, and
the local CA certificate for phones to install (the certificate only: keys never leave
``instance/tls/``)."""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for

from eventapp.accounts.models import Role
from eventapp.policy import policy, public
from eventapp.registration.qr import svg
from eventapp.venue import serve, tls

bp = Blueprint("venue", __name__, url_prefix="/checkin/phone")
CA_FILENAME = "eventapp-ca.crt"
#: What Android and iOS recognise as "a CA certificate to install" (DER body).
CA_MIMETYPE = "application/x-x509-ca-cert"


def _files() -> tls.TlsFiles:
    return tls.tls_folder(current_app.instance_path)


def _serves_local_ca() -> bool:
    """True when this server presents the local CA's certificate (``serve`` says which)."""
    mode = os.environ.get(serve.MODE_ENV)
    if mode:
        return mode == "local-ca"
    return request.scheme == "https" and _files().ca_cert.exists()


@bp.get("/")
@policy(Role.organizer)
def phone():
    """LAN URLs, the scanner's QR code, the CA download and how to install it."""
    scheme = request.scheme
    port = urlsplit(request.host_url).port or {"https": 443, "http": 80}[scheme]
    urls = serve.lan_urls(scheme, port, tls.lan_addresses())
    scanner_url = urls[0] + url_for("checkin.index")
    local_ca = _serves_local_ca()
    ca_url = urls[0] + url_for(".ca_certificate") if local_ca else None
    return render_template(
        "venue/phone.html", urls=urls, scanner_url=scanner_url, https=scheme == "https",
        scanner_qr=svg(scanner_url, css_class="venue-qr", title="Mã QR mở máy quét"),
        ca_url=ca_url,
        ca_qr=svg(ca_url, css_class="venue-qr", title="Mã QR tải chứng chỉ") if ca_url else None,
        ca_fingerprint=tls.ca_fingerprint(_files()) if local_ca else None)


@bp.get("/" + CA_FILENAME)
@public  # a phone must fetch it before anyone can log in on it; a certificate is public
def ca_certificate():
    der = tls.ca_der(_files())
    if der is None:
        abort(404)
    return send_file(io.BytesIO(der), mimetype=CA_MIMETYPE, as_attachment=True,
                     download_name=CA_FILENAME, max_age=0)
