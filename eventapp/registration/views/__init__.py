"""The registration pages' blueprint, shared by ``attendees.py`` and ``documents.py``, and the
attendee loader their routes declare in ``@policy``."""

from flask import Blueprint

from eventapp.accounts.models import Role
from eventapp.policy import Loader
from eventapp.registration import access, services

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>/registration")

#: Organizers and the units taking part (check-in staff have no access here).
MEMBER = (Role.organizer, Role.unit)
#: An attendee of the event: organizers see all, a unit its own delegates (404 otherwise).
ATTENDEE = Loader("attendee_id", "attendee", services.get_attendee, access.may_see_attendee,
                  "Không tìm thấy đại biểu.")
