"""Encryption at rest for what a person writes: AES-256-GCM with a data key per person.

- Each person has one random 256-bit data key (`DataKey`), stored only wrapped (AES-GCM) by a master key
  from `ATTUNE_MASTER_KEYS`. The first master key wraps; older ones still unwrap until `rotate_keys` ran.
- Each text is sealed with the person's data key and a fresh 96-bit nonce. The associated data names the
  person, the model, the row and the field, so a ciphertext moved anywhere else fails to open.
- Opening needs the owner: `reveal(instance, "field", owner=user)` refuses rows of anyone else.
- Nothing here logs or returns ciphertext as text: a failure raises `JournalLocked`, which the middleware
  turns into a calm "can't unlock" page. A locked text is never shown nor saved back.
- Search looks words up by keyed fingerprints under a key derived from the data key (`search_key_for`).

Models use it through `SealedFieldsMixin` (fields listed in `sealed_fields`).
"""

from __future__ import annotations

import base64
import hashlib
import os
from types import SimpleNamespace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from needs.models.keys import DataKey

PREFIX = "v1:"

NONCE_BYTES = 12


class JournalLocked(Exception):  # noqa: N818 - the name says what the person experiences
    """A text could not be opened: wrong or missing master key, or tampered data."""


def master_key_id(key: bytes) -> str:
    return hashlib.sha256(b"attune-master-key-id" + key).hexdigest()[:16]


def _master_keys() -> dict[str, bytes]:
    return {master_key_id(key): key for key in settings.ATTUNE_MASTER_KEYS}


def current_master() -> tuple[str, bytes]:
    key = settings.ATTUNE_MASTER_KEYS[0]
    return master_key_id(key), key


def _wrap_aad(owner_id: int) -> bytes:
    return f"attune/v1|data-key|{owner_id}".encode()


def wrap(data_key: bytes, owner_id: int) -> tuple[str, bytes]:
    master_id, master = current_master()
    nonce = os.urandom(NONCE_BYTES)
    return master_id, nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(owner_id))


def unwrap(master_id: str, wrapped: bytes, owner_id: int) -> bytes:
    master = _master_keys().get(master_id)
    if master is None:
        raise JournalLocked("the master key that wrapped this data key is not configured")
    try:
        return AESGCM(master).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(owner_id))
    except InvalidTag as error:
        raise JournalLocked("a data key failed to unwrap") from error


def keep_wrapped_key(user, master_id: str | None, wrapped) -> None:
    """The person's wrapped data key as read along with their settings (None, None: they have none yet), kept on
    the user object for the request: `data_key_for` then needs no read of its own."""
    user._attune_wrapped_key = (master_id, wrapped)


def create_data_key(owner_id: int) -> tuple[str, bytes]:
    """A new data key for the person, stored wrapped: (master key id, wrapped key). Made with the account (see
    needs.apps); made here on first use only for an account older than that."""
    data_key = AESGCM.generate_key(bit_length=256)
    master_id, wrapped = wrap(data_key, owner_id)
    try:
        with transaction.atomic():
            record = DataKey.objects.create(owner_id=owner_id, master_key_id=master_id, wrapped=wrapped)
    except IntegrityError:
        # Another request created it first: use theirs.
        record = DataKey.objects.get(owner_id=owner_id)
    return record.master_key_id, record.wrapped


def data_key_for(user) -> bytes:
    """The person's data key, created on first use; cached on the user object for the request."""
    cached = getattr(user, "_attune_data_key", None)
    if cached is not None:
        return cached
    found = getattr(user, "_attune_wrapped_key", None)
    if found is None:
        # Pages read the wrapped key with the person's settings (`profile_for`); this read is for the rest (a
        # user object whose settings came another way, commands, workers): sent as SQL, a tenth of the ORM's cost.
        with connection.cursor() as cursor:
            cursor.execute("SELECT master_key_id, wrapped FROM needs_datakey WHERE owner_id = %s", [user.pk])
            found = cursor.fetchone()
    elif found[0] is None:
        found = None
    if found is None:
        found = create_data_key(user.pk)
    key = unwrap(found[0], bytes(found[1]), user.pk)
    user._attune_data_key = key
    return key


def _aead_for(user) -> AESGCM:
    """The person's AES-GCM cipher, built once per request (opening thousands of texts in a search)."""
    cached = getattr(user, "_attune_aead", None)
    if cached is None:
        cached = AESGCM(data_key_for(user))
        user._attune_aead = cached
    return cached


def search_key_for(user) -> bytes:
    """The key of the person's search index, derived from their data key; cached on the user object.

    Derived rather than stored, so `rotate_keys` (which re-wraps data keys) leaves every index working.
    """
    cached = getattr(user, "_attune_search_key", None)
    if cached is None:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"attune/v1|search-index")
        cached = hkdf.derive(data_key_for(user))
        user._attune_search_key = cached
    return cached


def _aad(owner_id: int, label: str, row_id: object, field: str) -> bytes:
    return f"attune/v1|{owner_id}|{label}|{row_id}|{field}".encode()


def seal_text(user, plaintext: str, *, label: str, row_id: object, field: str) -> str:
    if plaintext == "":
        return ""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead_for(user).encrypt(nonce, plaintext.encode("utf-8"), _aad(user.pk, label, row_id, field))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def text_opener(user, *, label: str, field: str):
    """Opens texts of one model field for one person; the cipher and the person are resolved once.

    `open_text` for a single text; this for thousands in a row (search).
    """
    aead = _aead_for(user)
    owner_id = user.pk

    def open_one(row_id: object, token: str) -> str:
        if token == "":
            return ""
        if not token.startswith(PREFIX):
            raise JournalLocked("stored text is not in a known sealed format")
        try:
            raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(owner_id, label, row_id, field))
        except (InvalidTag, ValueError) as error:
            raise JournalLocked("a sealed text failed to open") from error
        return plain.decode("utf-8")

    return open_one


def open_text(user, token: str, *, label: str, row_id: object, field: str) -> str:
    return text_opener(user, label=label, field=field)(row_id, token)


class SealedFieldsMixin:
    """For owned models whose `sealed_fields` hold ciphertext tokens (TextFields).

    The associated data uses the row's primary key, so those models use UUID keys set before saving.
    """

    sealed_fields: tuple[str, ...] = ()

    def _check(self, field: str, owner) -> None:
        if self.pk is None:
            raise ValueError("sealed texts are bound to their row: give the model a UUID primary key")
        if field not in self.sealed_fields:
            raise ValueError(f"{field} is not a sealed field of {type(self).__name__}")
        if owner is None or self.owner_id != owner.pk:
            raise PermissionError("only the owner can open or seal this text")

    def seal(self, field: str, plaintext: str, *, owner) -> None:
        self._check(field, owner)
        token = seal_text(owner, plaintext, label=self._meta.label_lower, row_id=self.pk, field=field)
        setattr(self, field, token)

    def reveal(self, field: str, *, owner) -> str:
        """One sealed field's text, for `reveal_all`; everything else opens a record with `reveal_all`/`reveal_each`."""
        self._check(field, owner)
        return open_text(
            owner, getattr(self, field), label=self._meta.label_lower, row_id=self.pk, field=field
        )

    def reveal_all(self, *, owner) -> Plain:
        """Open every sealed field. The naming rule: the text of field `f` is `record.plain.f`."""
        self.plain = Plain({field: self.reveal(field, owner=owner) for field in self.sealed_fields})
        return self.plain


class Plain(SimpleNamespace):
    """A record's opened texts, under the sealed fields' own names (`reflection.plain.body`)."""

    def __init__(self, texts: dict[str, str]):
        super().__init__(**texts)


def reveal_each(records, *, owner) -> list:
    """`reveal_all` for many records of one person: each cipher is resolved once per model field."""
    records = list(records)
    openers = {}
    for record in records:
        texts = {}
        for field in record.sealed_fields:
            record._check(field, owner)
            key = (record._meta.label_lower, field)
            if key not in openers:
                openers[key] = text_opener(owner, label=key[0], field=field)
            texts[field] = openers[key](record.pk, getattr(record, field))
        record.plain = Plain(texts)
    return records


def rotate_data_keys() -> tuple[int, int]:
    """Re-wrap every data key under the first master key. Returns (re-wrapped, already current)."""
    current_id, _ = current_master()
    rewrapped = unchanged = 0
    for record in DataKey.objects.order_by("pk").iterator():
        if record.master_key_id == current_id:
            unchanged += 1
            continue
        data_key = unwrap(record.master_key_id, bytes(record.wrapped), record.owner_id)
        with transaction.atomic():
            locked = DataKey.objects.select_for_update().get(pk=record.pk)
            if locked.master_key_id != current_id:
                locked.master_key_id, locked.wrapped = wrap(data_key, record.owner_id)
                locked.rotated_at = timezone.now()
                locked.save(update_fields=["master_key_id", "wrapped", "rotated_at"])
        rewrapped += 1
    return rewrapped, unchanged
