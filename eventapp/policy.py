"""Who may call a route, declared once above it: ``@policy(roles…, load=…, allow=…)``.

The decorator (a) authenticates — the login session for pages (anonymous: to the login
page), the bearer token for the API (401); (b) refuses a role the route is not for (403);
(c) loads the event by slug and the object the URL names within it, answering 404 for one
that does not exist *or* lies outside the caller's scope (another unit's question, an event
the unit does not take part in), so ids of other units' objects are not revealed; (d) applies
``allow`` to a known object the role may not act on (403). The view receives the loaded
objects in place of the URL arguments (``slug`` → ``event``, ``question_id`` →
``question``). The declaration is kept on the view as ``view.policy``, which the
authorization-matrix test reads. The predicates are the pure ones of ``<domain>/access.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.auth import BAD_TOKEN, Unauthorized, token_holder
from eventapp.errors import HTTP_MESSAGES, Forbidden, NotFound
from eventapp.events.access import may_see_event, sees_every_event
from eventapp.events.services import get_event

#: Every role: a route any signed-in person (or any token) may call.
ANY_ROLE = tuple(Role)
#: A role the route is not for: the API's words, and the pages' (as Flask's own 403).
ROLE_REFUSED = {True: "Tài khoản này không có quyền dùng chức năng này.",
                False: HTTP_MESSAGES[403]}


@dataclass(frozen=True)
class Loader:
    """A URL argument that names an object: how to fetch it and who may see it.

    ``fetch(event, value)`` raises ``NotFound`` (or returns None) for an unknown object;
    ``visible(user, obj)`` False answers the same 404. ``owned`` says the object belongs to
    one unit (a unit account sees only its own), as opposed to the event itself;
    ``personal`` that it belongs to one account (a message in its inbox): every other
    account, organizers too, gets the 404.
    """

    arg: str
    name: str
    fetch: Callable[[Any, Any], Any]
    visible: Callable[[Any, Any], bool]
    missing: str
    owned: bool = True
    personal: bool = False


@dataclass(frozen=True)
class Policy:
    """The declaration ``@policy`` keeps on a view (read by the authorization matrix)."""

    roles: frozenset[Role] = frozenset()
    api: bool = False
    public: bool = False
    loaders: tuple[Loader, ...] = ()
    allow: Callable[[Any, Any], bool] | None = None  # (user, event)
    every_event: bool = False


def _fetch_event(_parent, slug: str):
    return get_event(slug)


def _event_visible(user, event) -> bool:
    return may_see_event(user, event)


#: The event named by ``<slug>``; every object loader fetches within it.
EVENT = Loader("slug", "event", _fetch_event, _event_visible, "Không tìm thấy sự kiện.",
               owned=False)


def public(view):
    """A route anyone may call (the login page, the health check, the OpenAPI document)."""
    view.policy = Policy(public=True)
    return view


def policy(*roles: Role | str, load: Loader | tuple[Loader, ...] = (),
           allow: Callable[[Any, Any], bool] | None = None, api: bool = False,
           every_event: bool = False):
    """Declare who may call the route below; see the module docstring.

    ``load``: the object loaders (``EVENT`` is implied before any other); ``allow(user,
    event)`` refuses a role that may not act in this event (403 when False); ``api``
    authenticates by bearer token; ``every_event`` declares a route under ``<slug>`` whose
    roles all see every event, so no event is loaded here (the check-in scan keeps its own
    single lookup).
    """
    allowed = frozenset(Role(r) for r in roles)
    if not allowed:
        raise ValueError("a policy names its roles (ANY_ROLE for every signed-in person)")
    loaders = (load,) if isinstance(load, Loader) else tuple(load)
    if loaders and loaders[0] is not EVENT:
        loaders = (EVENT, *loaders)
    if every_event and (loaders or not all(sees_every_event(r) for r in allowed)):
        raise ValueError("every_event is only for roles that see every event")
    declared = Policy(roles=allowed, api=api, loaders=loaders, allow=allow,
                      every_event=every_event)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(**kwargs):
            user = _authenticate(api)
            if user is None:
                return current_app.login_manager.unauthorized()
            if Role(user.role) not in allowed:
                raise Forbidden(ROLE_REFUSED[api])
            event = None
            for loader in loaders:
                value = kwargs.pop(loader.arg, None)  # an optional part of the URL
                found = None if value is None else loader.fetch(event, value)
                if value is not None and (found is None or not loader.visible(user, found)):
                    raise NotFound(loader.missing)
                kwargs[loader.name] = found
                event = event or found
            if allow is not None and not allow(user, event):
                raise Forbidden(ROLE_REFUSED[api])
            return view(**kwargs)

        wrapped.policy = declared
        return wrapped

    return decorator


def may_call(endpoint: str, user, event=None) -> bool:
    """Whether ``user`` passes ``endpoint``'s declared roles and ``allow`` (for links: a page
    shows a link only to those the route would admit). ``event`` is one the user sees."""
    declared = current_app.view_functions[endpoint].policy
    if declared.public:
        return True
    if user is None or not user.is_authenticated or Role(user.role) not in declared.roles:
        return False
    return declared.allow is None or event is None or declared.allow(user, event)


def load_object(loader: Loader, event, value):
    """An object named in a request's body rather than its URL, with the same 404 rule."""
    user = _authenticate(api=g.get("token_holder") is not None)
    found = loader.fetch(event, value)
    if found is None or user is None or not loader.visible(user, found):
        raise NotFound(loader.missing)
    return found


def _authenticate(api: bool):
    """The caller: the token's holder for the API (401 without one), else the logged-in user."""
    if api:
        holder = token_holder()
        if holder is None:
            raise Unauthorized(BAD_TOKEN)
        g.token_holder = holder
        return holder
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()
