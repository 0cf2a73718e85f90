"""The Flask subclass the factory builds (``create_app`` in ``eventapp/__init__.py``)."""

from __future__ import annotations

import functools
import inspect

from flask import Flask


@functools.lru_cache(maxsize=1024)
def _is_coroutine_function(func) -> bool:
    return inspect.iscoroutinefunction(func)


class EventApp(Flask):
    """Flask, asking once per function whether a view or hook is ``async def``.

    Flask asks ``inspect`` on every request for every hook and the view (six times for an
    API call here), about 5 % of the app's own work on a door scan. The answer never
    changes; ``ensure_sync`` is Flask's documented place to change how views are run.
    """

    def ensure_sync(self, func):
        try:
            is_async = _is_coroutine_function(func)
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
        return self.async_to_sync(func) if is_async else func
