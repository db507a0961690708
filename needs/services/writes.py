"""Helpers every write path shares."""

from django.db import IntegrityError


def twin_safe(write, **kwargs):
    """Run a service write once more if a unique constraint refused it.

    The service checks for the row before inserting it, but the same form sent twice at once (a double click,
    a retrying browser, a second window) can pass that check in both requests. The refused write was rolled
    back whole by the service's transaction; run again, it finds the twin's row and updates or skips it.
    """
    try:
        return write(**kwargs)
    except IntegrityError:
        return write(**kwargs)
