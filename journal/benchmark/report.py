"""The benchmark's tables (Markdown) and its section of docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from journal.benchmark.inprocess import Cost, shown_path

TITLE = "# Benchmarks"
INTRO = (
    "Written by `make bench` (`manage.py bench`). Newest first; one section per run and database. Every "
    "request builds its page: there is no page cache."
)
EARLIER = "## Earlier runs (with the page cache)"


def first_views(pages: list[tuple[str, str]], loads: dict[str, dict], costs: dict[str, Cost]) -> str:
    """The headline: each page under wrk, against the baseline, with its queries and size."""
    baseline = loads[pages[0][0]]["rps"]
    lines = [
        "| page | requests/s | vs baseline | p50 ms | p95 ms | p99 ms | queries | KB | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in pages:
        r, cost = loads[label], costs[label]
        errors = r["errors"] + r["bad_status"]
        if not r["requests"]:  # not one answer within the load's duration
            lines.append(
                f"| {label} `{shown_path(path)}` | 0 | 0 % | — | — | — | {cost.queries} | {cost.kb:.0f} | {errors} |"
            )
            continue
        lines.append(
            f"| {label} `{shown_path(path)}` | {r['rps']:.0f} | {100 * r['rps'] / baseline:.0f} % | "
            f"{r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {cost.queries} | "
            f"{cost.kb:.0f} | {errors} |"
        )
    return "\n".join(lines) + "\n"


def scale(labels: list[str], columns: dict[str, dict[str, Cost]]) -> str:
    """CPU ms and queries per page, one column per history length or population."""
    lines = [
        "| page | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for label in labels:
        cells = [f"{costs[label].cpu_ms:.1f} ms, {costs[label].queries} q" for costs in columns.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def journey(steps: list[tuple[str, Cost]]) -> str:
    lines = ["| step | wall ms | CPU ms | queries |", "| --- | ---: | ---: | ---: |"]
    for label, cost in steps:
        lines.append(f"| {label} | {cost.wall_ms:.1f} | {cost.cpu_ms:.1f} | {cost.queries} |")
    return "\n".join(lines) + "\n"


def _figure(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{name.replace('_', ' ')} {_figure(figure)}" for name, figure in value.items())
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def portability(timings: dict) -> str:
    """Export and import figures as `portability_timings` gives them: a figure, or a dict of figures, per key."""
    lines = ["| what | figures |", "| --- | --- |"]
    for what, value in timings.items():
        lines.append(f"| {what} | {_figure(value)} |")
    return "\n".join(lines) + "\n"


def doc_write(output: str, *, vendor: str, setup: str, tables: list[tuple[str, str]]) -> Path:
    """Put this run's section first. Sections from before the page cache was removed move (once) under
    EARLIER, with their headings one level down."""
    path = Path(output)
    previous = path.read_text() if path.exists() else ""
    body = previous.split("\n\n", 2)[2] if previous.startswith(TITLE) and previous.count("\n\n") >= 2 else ""
    if body.strip() and EARLIER not in body:
        demoted = "\n".join("#" + line if line.startswith("## ") else line for line in body.splitlines())
        body = f"{EARLIER}\n\n{demoted}\n"
    parts = [f"## {dt.date.today().isoformat()} — {vendor}", setup]
    parts += [f"**{title}**\n\n{table}" for title, table in tables]
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"{TITLE}\n\n{INTRO}\n\n" + "\n\n".join(part.strip() for part in parts) + "\n\n" + body)
    return path
