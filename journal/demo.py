"""Sample data for the local demo account (`manage.py create_demo_account`)."""


def demo_data_create(*, user) -> str:
    """Give the demo person some history to look at. Idempotent: existing data is left alone."""
    return "sample data: none yet"
