"""The needs app's models, one module per subject; imported here so Django registers them all."""

from . import accounts, derived, keys, needs, relationships, sharing  # noqa: F401
