"""docs/promises.md names, for every promise Attune makes, the tests that keep it: each must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"(tests/[\w/]+\.py)?::(\w+)")


def test_every_test_the_promises_map_names_exists():
    rows = [line for line in (ROOT / "docs/promises.md").read_text().splitlines() if line.startswith("| ")]
    promises = [row for row in rows if not row.startswith(("| promise ", "| --- "))]
    assert len(promises) > 90
    missing = []
    for row in promises:
        named, current = 0, None
        for match in REFERENCE.finditer(row):
            current = match.group(1) or current
            path = ROOT / current
            if not path.exists() or f"def {match.group(2)}(" not in path.read_text():
                missing.append(f"{current}::{match.group(2)}")
            named += 1
        assert named, f"a promise with no test: {row[:100]}"
    assert not missing, missing
