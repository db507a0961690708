"""Reading the environment for settings: typed values, one-line failures, local-only secrets.

Local mode (`DJANGO_DEBUG=True`, what `make run` uses) generates its secret key and master key once into
`var/`. Anywhere else a missing or malformed value stops start-up with a one-line message (`fail()`); the
environment table in README.md lists every variable.
"""

import base64
import binascii
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATTUNE_VAR_DIR", BASE_DIR / "var"))


def fail(message: str) -> None:
    """Stop start-up with a short message instead of a traceback wall."""
    sys.stderr.write(f"\nAttune cannot start: {message}\nSee the environment table in README.md.\n")
    raise SystemExit(2)


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or blank means the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"true", "1", "yes", "on"}:
        return True
    if value in {"false", "0", "no", "off"}:
        return False
    fail(f"{name}={raw!r} is not a boolean; use True or False.")
    return default  # unreachable: fail() exits


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        fail(f"{name}={raw!r} is not a whole number.")
        return default  # unreachable


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def local_secret(filename: str, make) -> str:
    """Read a local-only secret from var/ (git-ignored), creating it once."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def parse_master_keys(raw: str) -> list[bytes]:
    keys = []
    for number, item in enumerate(raw.split(","), start=1):
        item = item.strip()
        if not item:
            continue
        try:
            key = base64.urlsafe_b64decode(item + "=" * (-len(item) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            fail(
                f"ATTUNE_MASTER_KEYS entry {number} is not a url-safe base64 32-byte key. "
                'Make one with: python3 -c "import base64,os;'
                'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
            )
        keys.append(key)
    return keys


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def new_vapid_private_key() -> str:
    """A fresh VAPID private key: the P-256 scalar, 32 bytes, url-safe base64 without padding."""
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return _b64url_encode(number.to_bytes(32, "big"))


def parse_vapid_keys(private: str, public: str) -> tuple[str, str]:
    """The VAPID key pair as (private, public), both url-safe base64; ("", "") when push is off.

    The public key (the browser's `applicationServerKey`) follows from the private one; when it is given too
    it must be that key, so a pasted pair from two different generations is caught at start-up.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if not private:
        if public:
            fail("ATTUNE_VAPID_PUBLIC_KEY is set without ATTUNE_VAPID_PRIVATE_KEY; set both or neither.")
        return "", ""
    try:
        raw = _b64url_decode(private)
        if len(raw) != 32:
            raise ValueError
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except (binascii.Error, ValueError):
        fail(
            "ATTUNE_VAPID_PRIVATE_KEY is not a url-safe base64 32-byte P-256 key "
            "(README, push notifications, says how to make one)."
        )
        return "", ""  # unreachable
    derived = _b64url_encode(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    if public and public.rstrip("=") != derived:
        fail("ATTUNE_VAPID_PUBLIC_KEY is not the public half of ATTUNE_VAPID_PRIVATE_KEY.")
    return _b64url_encode(raw), derived
