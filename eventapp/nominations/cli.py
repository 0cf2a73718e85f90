"""``flask --app eventapp eligibility FILE.json``: the engine from the command line."""

from __future__ import annotations

import json
import sys

import click
from flask import Blueprint

from eventapp.api import load
from eventapp.errors import Invalid
from eventapp.nominations import eligibility as el
from eventapp.nominations.schemas import EligibilityRequestSchema, nominee_from


def evaluate(raw) -> dict:
    """Validate an eligibility request and answer it (``Invalid`` names the bad fields)."""
    data = load(EligibilityRequestSchema, raw)
    return el.assess(nominee_from(data["nominee"]), data["rules"]).as_dict()


#: The domain's commands; every domain's ``cli.bp`` is a blueprint without a group.
bp = Blueprint("nominations_cli", __name__, cli_group=None)


@bp.cli.command("eligibility")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
def eligibility_command(path: str):
    """Check one nominee's eligibility (PRODUCT.md §3.3); prints the result JSON.

    Invalid input: exit status 2 and a message naming the field, on stderr.
    """
    try:
        with click.open_file(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except OSError as error:
        click.echo(f"Không đọc được tệp {path}: {error.strerror or error}", err=True)
        sys.exit(2)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"Tệp {path} không phải JSON hợp lệ (UTF-8): {error}", err=True)
        sys.exit(2)
    try:
        result = evaluate(raw)
    except Invalid as error:
        click.echo(error.describe(), err=True)
        sys.exit(2)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
