"""The Flask subclass the factory builds (``create_app`` in ``eventapp/__init__.py``)."""

from __future__ import annotations

import functools
import inspect
import io

from flask import Flask, Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge


@functools.lru_cache(maxsize=1024)
def _is_coroutine_function(func) -> bool:
    return inspect.iscoroutinefunction(func)


class EventRequest(Request):
    """A request whose body may be as large as ``MAX_CONTENT_LENGTH`` only when it carries
    files (``multipart/form-data``); a form or JSON body stops at ``MAX_BODY_WITHOUT_FILES``.

    Werkzeug decodes a URL-encoded form in one pass of pure Python: about 0.15 s of a
    worker's time per megabyte of ``%XX``. Without this, anyone could hold a worker for
    seconds with one 32 MB post to the login page. Past the limit the answer is 413, with
    the Vietnamese message of ``errors.py``, before the body is read.
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self._max_content_length is not None or not current_app \
                or self.mimetype == "multipart/form-data":
            return limit
        small = current_app.config["MAX_BODY_WITHOUT_FILES"]
        return small if limit is None else min(limit, small)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)

    def _load_form_data(self) -> None:
        """Parse the form as Flask does; a body over the limit leaves an empty form behind.

        Werkzeug caches nothing when it refuses a body, so every later read raised the 413
        again: the error page itself reads the form (the logout button's CSRF form in
        ``base.html``), and a logged-in user got a bare 500 instead of the message."""
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            empty = self.parameter_storage_class
            self.__dict__.update(stream=io.BytesIO(), form=empty(), files=empty())
            self._cached_data = b""
            raise


class EventApp(Flask):
    """Flask, asking once per function whether a view or hook is ``async def``.

    Flask asks ``inspect`` on every request for every hook and the view (six times for an
    API call here), about 5 % of the app's own work on a door scan. The answer never
    changes; ``ensure_sync`` is Flask's documented place to change how views are run.
    """

    request_class = EventRequest

    def ensure_sync(self, func):
        try:
            is_async = _is_coroutine_function(func)
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
        return self.async_to_sync(func) if is_async else func
