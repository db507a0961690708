from __future__ import annotations

from needs.models.sharing import (
    Statement,
)


def statements_of(user, statements) -> list[dict]:
    return [
        {"statement": s, **{n: s.reveal(n, owner=user) for n in Statement.sealed_fields}} for s in statements
    ]
