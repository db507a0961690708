"""The insights page's numbers in the shapes its charts and tables draw.

A history longer than about a year is drawn in months (quarters, years) rather than weeks; see
`needs.charts.period_for`. Table rows are built here once, numbers printed unlocalised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.safestring import SafeString

from needs.charts import markup_rows


def feeling_series(overall: dict[dt.date, float], feelings: list[dict]) -> list[tuple[str, str, list]]:
    """The lines of the feelings chart: needs met, anxiety, self-confidence; a line without points is left out."""
    lines = [
        ("needs", "Needs met (average)", sorted(overall.items())),
        ("anxiety", "Anxiety", [(f["week"], f["anxiety"]) for f in feelings if f["anxiety"] is not None]),
        (
            "confidence",
            "Self-confidence",
            [(f["week"], f["confidence"]) for f in feelings if f["confidence"] is not None],
        ),
    ]
    return [line for line in lines if line[2]]


def feeling_table(overall: dict[dt.date, float], feelings: list[dict]) -> list[dict]:
    """Rows of {"week", "needs", "anxiety", "confidence"} for every period with any of them."""
    by_week = {f["week"]: f for f in feelings}
    return [
        {"week": week, "needs": overall.get(week), **by_week.get(week, {})}
        for week in sorted(set(overall) | set(by_week))
    ]


def table_body(rows: Iterable[tuple[str, Iterable[float | None]]]) -> SafeString:
    """The <tr>s of a data table: a row header, then one cell per value ("—" where there is none)."""
    return markup_rows(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                name,
                markup_rows("", "<td>{}</td>", (("—" if value is None else value,) for value in values)),
            )
            for name, values in rows
        ),
    )
