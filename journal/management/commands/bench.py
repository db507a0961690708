"""`make bench`: seed people with 1, 10 and 30 years of journaling among lighter people (once per database),
measure every main page built from scratch, and write the tables to docs/benchmarks.md."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from journal.benchmark import report, serving
from journal.benchmark.inprocess import client_for, journeys, page_costs, pages_for
from journal.benchmark.seeding import heavy_person, light_count, light_people_seed
from journal.models import Reflection
from journal.portability.timing import portability_timings
from needs.models.needs import CheckIn

FIRST_POPULATION = 100


class Command(BaseCommand):
    help = (
        "Benchmark (`make bench`): seeds the people once per database, then measures each main page built from "
        "scratch through gunicorn with wrk, and in this process its queries and CPU time for 1 to 30 years of "
        "history and 100 to --people other people, a person's journeys and export/import timings; prints the "
        "tables and writes them first in docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", default="1,10,30", help="history lengths of the measured people")
        parser.add_argument(
            "--people", type=int, default=FIRST_POPULATION, help="lighter people in the database"
        )
        parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per page")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument("--runs", type=int, default=10, help="requests per page measured in this process")
        parser.add_argument("--quick", action="store_true", help="a smoke run: 1 s of load, 3 runs")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed (apt-get install wrk); `make bench` installs it as root."
            )
        if options["quick"]:
            options["duration"], options["runs"] = 1, 3
        try:
            years = sorted({int(part) for part in options["years"].split(",")})
        except ValueError as error:
            raise CommandError("--years takes whole numbers separated by commas, such as 1,10,30") from error
        if not years or min(years) < 1 or options["people"] < 1:
            raise CommandError("--years and --people must be at least 1")
        say = self.stdout.write
        people = {count: heavy_person(count, say=say) for count in years}
        main_years = 10 if 10 in years else years[len(years) // 2]
        main = people[main_years]
        wanted = options["people"]
        light_people_seed(min(wanted, FIRST_POPULATION) if light_count() < wanted else wanted, say=say)

        say("Measuring each page in this process …")
        columns = {}
        others = light_count()
        for count, person in people.items():
            columns[f"{count} y, {others:,} others"] = page_costs(
                person, pages_for(person), runs=options["runs"]
            )
        if others < wanted:
            light_people_seed(wanted, say=say)
            pages = pages_for(main)
            columns[f"{main_years} y, {light_count():,} others"] = page_costs(
                main, pages, runs=options["runs"]
            )
        pages = pages_for(main)
        costs = columns[next(label for label in reversed(columns) if label.startswith(f"{main_years} y,"))]

        say("Loading each page with wrk through gunicorn …")
        session_key = client_for(main).session.session_key
        with serving.gunicorn(options["workers"]) as port:
            serving.check_pages(port, session_key, [path for _, path in pages])
            loads = {
                label: serving.load(
                    port, path, session_key, duration=options["duration"], connections=options["connections"]
                )
                for label, path in pages
            }
        say("Journeys and export/import timings …")
        steps = journeys(main, runs=options["runs"])
        timings = portability_timings(main)

        tables = [
            (
                f"First views: every page built from scratch (the {main_years}-year person)",
                report.first_views(pages, loads, costs),
            ),
            (
                "Each page's CPU ms and queries by history length and population",
                report.scale([label for label, _ in pages], columns),
            ),
            ("Journeys: a write, then the page that shows it; a new search word", report.journey(steps)),
            (f"Export and import of the {main_years}-year person", report.portability(timings)),
        ]
        for title, table in tables:
            say(f"\n{title}:\n{table}")
        path = report.doc_write(
            options["output"], vendor=connection.vendor, setup=self.setup(options, years), tables=tables
        )
        say(f"Wrote {path}")

    @staticmethod
    def setup(options, years: list[int]) -> str:
        with_years = ", ".join(str(count) for count in years) + (" years" if years != [1] else " year")
        return (
            f"{CheckIn.objects.count():,} check-ins and {Reflection.objects.count():,} reflections in the database: "
            f"one person each with {with_years} of daily data (40 needs rated daily, a ~2 KB reflection a "
            f"day) among {light_count():,} lighter people (90 days, 6 needs, a reflection every 3 days). "
            f"gunicorn with {options['workers']} sync workers, DEBUG off, HTTPS settings on; wrk with "
            f"{options['connections']} connections for {options['duration']} s per page on the same "
            f"{os.cpu_count()} cores. Queries, KB and CPU ms are counted in the bench process with Django's test "
            f"client, DEBUG off (CPU ms: the median of {options['runs']} requests)."
        )
