"""The README and docs/architecture.md name files and code that exist: a move or rename must update them."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "docs/architecture.md"]
PACKAGES = ("config", "journal", "needs")

# `needs/privacy/crypto.py`, `templates/needs/sharing/`, `static/js/autosave.js` …
FILE = re.compile(r"`((?:config|needs|journal|templates|static|tests|docs)/[\w./-]*)`")
# `journal.services.reflections.reflection_save`, `config.middleware.PrivatePagesNeverCachedMiddleware` …
DOTTED = re.compile(r"`((?:config|needs|journal)(?:\.\w+)+)")


def _mentions(pattern: re.Pattern) -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for match in pattern.finditer((ROOT / doc).read_text()):
            found.append((doc, match.group(1)))
    return found


def _resolves(dotted: str) -> bool:
    """A module, or an attribute (class, function, method) reached from the longest importable module."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_file_the_docs_name_exists():
    mentions = _mentions(FILE)
    assert len(mentions) > 30, "the docs should name the modules they describe"
    missing = [f"{doc}: {path}" for doc, path in mentions if not (ROOT / path.rstrip("/")).exists()]
    assert missing == []


@pytest.mark.django_db
def test_every_module_and_function_the_docs_name_exists():
    mentions = _mentions(DOTTED)
    assert len(mentions) > 5, "the docs should name the code they describe"
    missing = [f"{doc}: {dotted}" for doc, dotted in mentions if not _resolves(dotted)]
    assert missing == []


def test_the_architecture_page_names_every_top_level_module_of_config():
    """The layer diagram lists config's modules; a new site-level module belongs on it."""
    page = (ROOT / "docs/architecture.md").read_text()
    modules = sorted(
        p.name for p in (ROOT / "config").glob("*.py") if p.name not in {"__init__.py", "asgi.py", "wsgi.py"}
    )
    assert [name for name in modules if name not in page] == []
