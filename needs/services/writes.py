"""Helpers every write path shares."""

from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, connection
from django.utils import timezone


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


def rows_insert(
    model, names: Sequence[str], rows: Iterable[tuple], progress: Callable[[int], None] | None = None
) -> int:
    """Write `rows` (values of the fields `names`, by attname) straight into the model's table, for the few
    writes of many thousand rows (rebuilding a search index, importing years, seeding the benchmark); every other
    column gets its default, "now" for the auto_now fields and the database's own number for an AutoField.
    PostgreSQL takes the rows by COPY, whose adapters accept these Python values as they are; other
    databases by `executemany`, with each value prepared by its field. `progress(count)` hears after each
    10,000 rows."""
    fields = [model._meta.get_field(name) for name in names]
    now = timezone.now()
    rest = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in names
        and field.name not in names
        and not field.get_internal_type().endswith("AutoField")
    ]
    fixed = tuple(
        field.get_db_prep_save(
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default(),
            connection,
        )
        for field in rest
    )
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields + rest)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))
                    count += 1
                    if progress and count % 10_000 == 0:
                        progress(count)
            return count
        placeholders = ", ".join(["%s"] * (len(fields) + len(rest)))
        batch = []
        for row in rows:
            batch.append(
                tuple(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                )
                + fixed
            )
            if len(batch) == 10_000:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)  # noqa: S608
                count, batch = count + len(batch), []
                if progress:
                    progress(count)
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)  # noqa: S608
        return count + len(batch)
