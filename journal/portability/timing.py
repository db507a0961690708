"""How long one person's exports and an import of their journal take: figures for the benchmark."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from journal.portability import export, jobs, readable
from journal.services.account_data import account_delete


def _measured(chunks: Iterable) -> tuple[dict, bytes]:
    """Consume an export as the response would (text encoded to UTF-8): CPU seconds, bytes and pieces."""
    cpu, wall = time.process_time(), time.perf_counter()
    pieces = [chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sizes = [len(piece) for piece in pieces]
    figures = {
        "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(wall, 3),
        "bytes": sum(sizes),
        "chunks": len(sizes),
        "largest_chunk": max(sizes, default=0),
        "average_chunk": sum(sizes) // len(sizes) if sizes else 0,
    }
    return figures, b"".join(pieces)


def _since(cpu: float, wall: float) -> dict:
    return {
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "wall_seconds": round(time.perf_counter() - wall, 3),
    }


def portability_timings(user) -> dict:
    """Export `user` in each format, then import the JSON export into a new throwaway account (deleted after) as
    the import page does: the request checks, seals and queues the file ("import page"), the worker imports it
    ("import worker", run here in this process).

    Returns {"json"|"csv"|"markdown": {cpu_seconds, wall_seconds, bytes, chunks, largest_chunk,
    average_chunk}, "import page": {cpu_seconds, wall_seconds, bytes}, "import worker": {cpu_seconds,
    wall_seconds, outcome, imported, refused}}.
    """
    timings = {}
    timings["json"], raw = _measured(export.json_chunks(user=user))
    timings["csv"], _ = _measured(readable.csv_chunks(user=user))
    timings["markdown"], _ = _measured(readable.markdown_zip_chunks(user=user))
    name = f"import-timing-{uuid.uuid4().hex[:12]}"
    target = get_user_model().objects.create_user(username=name, email=f"{name}@example.invalid")
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        job = jobs.import_start(user=target, raw=raw)
        timings["import page"] = {**_since(cpu, wall), "bytes": len(raw)}
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = jobs.run_import.call(str(job.pk))
        figures = _since(cpu, wall)
        job.refresh_from_db()
        report = jobs.report_of(job) or {}
        timings["import worker"] = {
            **figures,
            "outcome": outcome,
            "imported": report.get("imported"),
            "refused": report.get("refused_total"),
        }
    finally:
        account_delete(user=target)
    return timings
