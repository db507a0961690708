"""The insight views' numbers in the shapes their charts and tables draw.

A history longer than about a year is drawn in months (quarters, years) rather than weeks; see
`needs.charts.period_for`. Table rows are built here once, numbers printed unlocalised.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from needs.charts import DateNames, Period, SparklineSlots, markup_rows
from needs.charts import number_text as _text


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
    return mark_safe(  # noqa: S308 - every text escaped here
        "".join(
            [
                f'<tr><th scope="row">{escape(str(name))}</th>'
                + "".join(["<td>—</td>" if value is None else f"<td>{_text(value)}</td>" for value in values])
                + "</tr>"
                for name, values in rows
            ]
        )
    )


_SAMPLE_ID = uuid.UUID(int=0)


def need_url_pattern() -> str:
    """A need page's address with `{}` for its id: `{% url 'needs:need_detail' id %}` looked up once a page
    instead of once a row."""
    return reverse("needs:need_detail", args=[_SAMPLE_ID]).replace(str(_SAMPLE_ID), "{}")


def need_trend_rows(needs: list[dict], *, slots: list[dt.date], period: Period, width=160) -> SafeString:
    """The <tr>s of the "Each need" table: the need's name (a link to its page), its sparkline with a
    spoken summary, and its latest value. The need page's address is looked up once and its id put in."""
    url_pattern = need_url_pattern()
    lines = SparklineSlots(slots, width=width)
    unit = escape(period.unit)
    rows = []
    for need in needs:
        weekly = need["weekly"]
        # The name is the person's own text: escaped once here, used twice below.
        name, category = escape(str(need["name"])), escape(str(need["category"]))
        href = escape(url_pattern.format(need["id"]))
        latest = weekly[-1][1] if weekly else ""
        line = lines.draw(weekly)
        svg = ""
        if line:
            count = len(weekly)
            svg = (
                f'<svg class="sparkline" width="{line.width}" height="{line.height}"'
                f' viewBox="0 0 {line.width} {line.height}" role="img" aria-label="{name}: from'
                f' {_text(weekly[0][1])} to {_text(latest)} over {count} {unit}{"" if count == 1 else "s"}">'
                f'<polyline class="sparkline-line category-stroke-{category}" points="{line.points}" /></svg>'
            )
        rows.append(
            f'<tr><th scope="row"><a class="category-mark category-{category}" href="{href}">{name}</a></th>'
            f"<td>{svg}</td><td>{_text(latest)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text escaped above, the rest numbers


def linked_items(linked: list[dict]) -> SafeString:
    """The <li>s of "Needs you write about most": each need linked to its page, with its count."""
    url_pattern = need_url_pattern()
    return markup_rows(
        "",
        '<li><a class="category-mark category-{}" href="{}">{}</a> — {} reflection{}</li>',
        (
            (
                item["need__category"],
                url_pattern.format(item["need_id"]),
                item["need__name"],
                item["count"],
                "" if item["count"] == 1 else "s",
            )
            for item in linked
        ),
    )


def month_rows(months: list[dict]) -> SafeString:
    """The <tr>s of the year's table by month: its name (as the `date` filter's "F Y"), active days, average
    score ("—" without one) and reflections."""
    names = DateNames()
    return markup_rows(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                f"{names.months[m['month'].month]} {m['month'].year}",
                m["active"],
                "—" if m["average"] is None else m["average"],
                m["reflections"],
            )
            for m in months
        ),
    )
