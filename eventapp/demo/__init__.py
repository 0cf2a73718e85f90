"""The demo's sample data (``demo --live``): made through every domain's services.

Not a domain: it owns no table and no route; the ``demo`` command in ``eventapp.cli`` uses it.
"""
