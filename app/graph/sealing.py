"""Secrets at rest: engine `secret_env` values are stored encrypted with MERCATOR_SECRET_KEY.

Neo4j's store files hold every property in the clear, so a copy of the data folder (a
backup, a volume snapshot, a file left world-readable) would hand over the registry
passwords and cloud keys the engines run with. With a key set, each secret value is
stored as ``fernet:<token>`` — Fernet (AES-128-CBC with HMAC-SHA256, from the maintained
`cryptography` library): a value cannot be read or altered without the key.

MERCATOR_SECRET_KEY holds one or more Fernet keys separated by commas
(`mercator secrets new-key` makes one). The first seals every new value; all of them open
stored ones, so rotating is: put the new key first, keep the old one after it, run
`mercator secrets rotate` (it re-seals every value with the first key), then drop the old
key. Without a key, values are stored as given (a laptop's demo) and the settings page of
the docs says so.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.config import SettingError
from app.errors import Invalid, Unavailable

#: How a sealed value starts; anything else was stored before a key was set.
PREFIX = "fernet:"


def new_key() -> str:
    """A fresh random key for MERCATOR_SECRET_KEY."""
    return Fernet.generate_key().decode("ascii")


class Sealer:
    """Seals and opens secret values with the keys of MERCATOR_SECRET_KEY (none: clear)."""

    def __init__(self, keys: str = "") -> None:
        texts = [key.strip() for key in keys.split(",") if key.strip()]
        try:
            self._fernet = MultiFernet([Fernet(text) for text in texts]) if texts else None
        except ValueError:
            raise SettingError(
                "MERCATOR_SECRET_KEY must be one or more Fernet keys (32 random bytes in "
                "URL-safe base64, as `mercator secrets new-key` prints), separated by commas"
            ) from None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> str:
        """The value as stored: sealed with the first key, or as given without a key."""
        if self._fernet is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        """The value a stored one holds; Unavailable when it is sealed and no key given
        opens it (the key was lost, or changed without rotating)."""
        if not stored.startswith(PREFIX):
            return stored
        if self._fernet is None:
            raise Unavailable(
                "an engine secret is stored encrypted and MERCATOR_SECRET_KEY is not set",
                {"setting": "MERCATOR_SECRET_KEY"},
            )
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise Unavailable(
                "an engine secret was sealed with a key MERCATOR_SECRET_KEY no longer holds; "
                "keep the old key after the new one until `mercator secrets rotate` has run",
                {"setting": "MERCATOR_SECRET_KEY"},
            ) from None

    def reseal(self, stored: str) -> str:
        """The value sealed with the first key (a clear one sealed, an old key's re-sealed)."""
        self.require()
        return self.seal(self.open(stored))

    def require(self) -> None:
        """Invalid unless a key is set (re-sealing without one would store nothing sealed)."""
        if self._fernet is None:
            raise Invalid(
                "set MERCATOR_SECRET_KEY (or MERCATOR_SECRET_KEY_FILE) to the key to seal "
                "secrets with",
                {"setting": ["MERCATOR_SECRET_KEY is not set"]},
            )
