"""The registration pages' blueprint, shared by ``views.py`` and ``documents.py``."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>/registration")
