"""Domain errors and the one place that turns them into Vietnamese pages or JSON.

Services raise these; views never build error responses by hand. Under ``/api/`` the
answer is JSON ``{"error": code, "message": …}``; elsewhere an HTML page (or, for
expected form problems, views catch ``DomainError`` and flash ``message``).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from eventapp.database import refused
from eventapp.extensions import db, login_manager
from eventapp.formatting import local_dt

#: The one answer to bad input (422 ``invalid``); ``fields`` then says what is wrong where.
INVALID_MESSAGE = "Dữ liệu không hợp lệ."


class DomainError(Exception):
    """A refusal a user should understand. ``code`` is stable, ``message`` Vietnamese."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra):
        super().__init__(message)
        refused()  # the request that refuses commits nothing, even if a view shows the refusal
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def payload(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


class Invalid(DomainError):
    """Bad input; ``fields`` maps a field name to its Vietnamese message."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str = INVALID_MESSAGE):
        super().__init__(message, fields=fields)
        self.fields = fields

    def describe(self) -> str:
        """The message and one line per field: the command line's form of the 422 answer."""
        return self.message.rstrip(".") + ":\n" + "\n".join(
            f"  {field}: {message}" for field, message in self.fields.items())


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Changed(Conflict):
    """The row was changed by someone else between the caller's page and its request."""

    code = "changed"

    def __init__(self, message: str = ("Dữ liệu vừa được người khác thay đổi trong lúc bạn "
                                       "thao tác. Vui lòng tải lại trang rồi thử lại.")):
        super().__init__(message)


class DeadlinePassed(DomainError):
    """Raised at or after a deadline; carries the effective deadline as ISO-8601."""

    status = 403
    code = "deadline_passed"

    def __init__(self, deadline: datetime, message: str | None = None, *, where=None):
        super().__init__(  # ``where``: the event, whose zone shows the deadline
            message or f"Đã hết hạn lúc {local_dt(deadline, where)}; không thể thêm, sửa hoặc "
                       "rút.",
            deadline=deadline.isoformat(),
        )
        self.deadline = deadline


HTTP_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Vui lòng đăng nhập.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    # Met by reloading or following a link to an address that only a button may post to.
    405: "Địa chỉ này chỉ dùng qua nút bấm trên trang; hãy quay lại trang trước và bấm nút.",
    413: "Tệp hoặc dữ liệu gửi lên quá lớn.",
    429: "Quá nhiều lần thử. Vui lòng đợi một lát rồi thử lại.",
    500: "Đã có lỗi ở máy chủ. Dữ liệu đã gửi trước đó không bị ảnh hưởng.",
    503: "Máy chủ cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút.",
}
#: The database answered but every write was queued behind others for the whole busy
#: timeout: not an outage, and nothing was saved.
BUSY_MESSAGE = ("Máy chủ đang bận xử lý nhiều yêu cầu cùng lúc. Dữ liệu chưa được lưu; "
                "vui lòng thử lại.")
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 429: "rate_limited",
              500: "server_error", 503: "unavailable"}


def wants_json() -> bool:
    """The API, a page's script posting JSON (the live previews) and clients asking for it."""
    # Imported here to break a real cycle: eventapp.api imports this module's errors.
    from eventapp.api import API_PREFIX

    return request.path.startswith(API_PREFIX + "/") or request.is_json or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, payload: dict, headers: dict | None = None):
    if wants_json():
        return jsonify(payload), status, headers or {}
    return render_template("errors/error.html", status=status,
                           message=payload.get("message")), status, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        db.session.rollback()  # a refusal changes nothing and releases any write lock
        return error_response(error.status, error.payload())

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status == 400 and "CSRF" in (error.description or ""):
            message = ("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                       "Vui lòng tải lại trang.")
        elif status == 429 and error.description and "rate limit" not in error.description:
            message = error.description  # the route's own words (e.g. the login limit)
        else:
            message = HTTP_MESSAGES.get(status, error.name)
        return error_response(status, {"error": HTTP_CODES.get(status, "error"),
                                       "message": message})

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        if isinstance(error, DataError):
            # Input the database itself refused (a NUL character, a number out of range):
            # nothing was written; tell the client, do not pretend the server broke.
            app.logger.info("refused by the database: %s", error.orig)
            return error_response(400, {"error": "bad_request",
                                        "message": "Dữ liệu gửi lên có ký tự hoặc giá trị "
                                                   "không hợp lệ."})
        if isinstance(error, PoolTimeout) or (isinstance(error, OperationalError)
                                              and _is_lock_timeout(error)):
            # Every pooled connection was in use for DB_POOL_TIMEOUT, or the write lock
            # was not obtained within the busy timeout.
            app.logger.warning("database busy: %s", error)
            _page_without_database()
            return error_response(503, {"error": "busy", "message": BUSY_MESSAGE},
                                  {"Retry-After": "5"})
        if isinstance(error, OperationalError) and _is_outage(error):
            app.logger.warning("database unavailable: %s", error)
            _page_without_database()
            return error_response(503, {"error": "unavailable", "message": HTTP_MESSAGES[503]})
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, {"error": "server_error", "message": HTTP_MESSAGES[500]})


def _page_without_database() -> None:
    """The page layout shows the user; it must not reach for a database that failed."""

    g._login_user = login_manager.anonymous_user()


def _is_lock_timeout(error) -> bool:
    """SQLite's busy timeout ran out, or PostgreSQL's lock_timeout: contention, not an outage."""
    text = str(error.orig if getattr(error, "orig", None) else error).lower()
    return "database is locked" in text or "lock timeout" in text


def _is_outage(error) -> bool:
    text = str(error).lower()
    return any(s in text for s in ("connection", "could not connect", "server closed",
                                   "terminating connection", "unable to open database file",
                                   "disk i/o error", "statement timeout",
                                   "canceling statement due to statement timeout"))
