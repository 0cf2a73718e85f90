"""The venue's command: ``flask --app eventapp serve`` (defined in ``serve.py`` beside the
addresses and certificates it uses; the phone page reads those too)."""

from __future__ import annotations

from flask import Blueprint

from eventapp.venue import serve

#: The domain's commands; every domain's ``cli.bp`` is a blueprint without a group.
bp = Blueprint("venue_cli", __name__, cli_group=None)
bp.cli.add_command(serve.serve)
