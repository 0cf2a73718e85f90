"""Audit log (nhật ký thay đổi): who changed what, when, with before/after of key fields."""

from eventapp.audit.services import changed, record, snapshot  # noqa: F401
