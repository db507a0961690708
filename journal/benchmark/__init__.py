"""`make bench` (`manage.py bench`): seeding people with years of history, measuring pages in this process
and through gunicorn with wrk, and writing the tables of docs/benchmarks.md."""
