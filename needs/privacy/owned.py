"""Per-person data isolation by construction.

Every model a person owns inherits `OwnedModel`. Views reach owned rows only through
`Model.objects.for_user(request.user)`, so another person's row is simply not there (a 404).
"""

import datetime as dt
import json
import uuid

from django.conf import settings
from django.db import connection, models


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user) -> "OwnedQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class OwnedModel(models.Model):
    # Never a form field: the view sets it from request.user.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class OwnedSQL:
    """One fixed-shape read of one person's rows, written once in SQL and sent as it is.

    For the hottest reads of a page: building a query through the ORM costs about ten times what the database
    then spends answering it. Isolation still holds by construction: the SQL must limit its rows to `%(owner)s`
    (a table reached only through an owned row, such as check-ins through their need, is limited by that row), and
    `rows(user, ...)` fills it in from the signed-in person alone (a visitor gets nothing).
    Other parameters are named (`%(today)s`). Dates and UUIDs go in and come out as Python values on every
    database (SQLite keeps them as text): `dates` and `uuids` name the result columns holding them, by index.
    """

    OWNER = "%(owner)s"

    def __init__(self, sql: str, *, dates: tuple[int, ...] = (), uuids: tuple[int, ...] = ()):
        if self.OWNER not in sql:
            raise ValueError("An owned read must limit its rows to %(owner)s.")
        self.sql = sql
        self.dates = dates
        self.uuids = uuids

    def rows(self, user, **params) -> list[tuple]:
        if user is None or not user.is_authenticated:
            return []
        if "owner" in params:
            raise ValueError("The owner is always the signed-in person.")
        values = {name: _param(value) for name, value in params.items()}
        values["owner"] = user.pk
        with connection.cursor() as cursor:
            cursor.execute(self.sql, values)
            found = cursor.fetchall()
        if connection.vendor == "postgresql":
            return found  # psycopg gives dates and UUIDs as themselves
        return [self._typed(row) for row in found]

    def _typed(self, row: tuple) -> tuple:
        row = list(row)
        for index in self.dates:
            if isinstance(row[index], str):
                row[index] = dt.date.fromisoformat(row[index])
        for index in self.uuids:
            if isinstance(row[index], str):
                row[index] = uuid.UUID(row[index])
        return tuple(row)


def as_saved(instance):
    """A model instance built from a row read as SQL, marked as the saved row it is (as the ORM marks its own)."""
    instance._state.adding = False
    instance._state.db = "default"
    return instance


class Listed(str):
    """Many values as one parameter of an `OwnedSQL` read, where an `IN` of as many parameters costs more to bind
    than the query. In the SQL: `{column} IN (SELECT value FROM json_each(%(name)s))` on SQLite and
    `{column} = ANY(CAST(%(name)s AS type[]))` on PostgreSQL, as `one_of` writes them."""

    def __new__(cls, values):
        values = list(values)
        if not all(
            isinstance(value, uuid.UUID | dt.date | int) and not isinstance(value, bool) for value in values
        ):
            raise TypeError(
                "Only ids, numbers and dates are listed: their text needs no quoting on either database."
            )
        texts = [value.hex if isinstance(value, uuid.UUID) and connection.vendor != "postgresql" else str(value)
                 for value in values]  # fmt: skip
        if connection.vendor == "postgresql":
            return super().__new__(cls, "{" + ",".join(texts) + "}")
        return super().__new__(cls, json.dumps(texts))


def one_of(column: str, name: str, pg_type: str) -> dict[str, str]:
    """`column` is one of the `Listed` parameter `name`, per database (`pg_type`: the values' PostgreSQL type)."""
    return {
        "postgresql": f"{column} = ANY(CAST(%({name})s AS {pg_type}[]))",
        "sqlite": f"{column} IN (SELECT value FROM json_each(%({name})s))",  # noqa: S608 - the code's own names
    }


def _param(value):
    if isinstance(value, uuid.UUID):
        return value if connection.features.has_native_uuid_field else value.hex
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, list | tuple):
        raise ValueError("Pass one value per parameter (many values as one: `Listed`).")
    return value
