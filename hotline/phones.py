"""Phone numbers: E.164 normalisation, encryption at rest and a keyed lookup index."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class PhoneError(ValueError):
    """A value that cannot be a phone number."""


def normalise(raw: str, region: str = "US") -> str:
    """Return the E.164 form of a number typed by a person or posted by Twilio."""
    return _normalised(raw.strip(), region)


# Every webhook normalises its From: the same few numbers text and call again and again, and
# parsing one costs more than the rest of reading the form.
@functools.lru_cache(maxsize=4096)
def _normalised(raw: str, region: str) -> str:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("not a phone number") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneError("not a possible phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def country_of(e164: str) -> str:
    """Return the ISO country code of an E.164 number, or "" when unknown."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return ""
    return str(region or "")


def _derive(secret_key: str, purpose: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hotline-phones", info=purpose)
    return kdf.derive(secret_key.encode())


class PhoneVault:
    """Encrypts numbers (Fernet) and indexes them by HMAC-SHA256, with keys from one secret."""

    def __init__(self, secret_key: str) -> None:
        self._index_key = _derive(secret_key, b"index")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret_key, b"encrypt")))

    def index(self, e164: str) -> str:
        """Return the keyed hash used to find a contact by number."""
        return hmac.new(self._index_key, e164.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, e164: str) -> str:
        return self._fernet.encrypt(e164.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise PhoneError("cannot decrypt: wrong HOTLINE_SECRET_KEY?") from exc


@functools.cache
def vault_for(secret_key: str) -> PhoneVault:
    """Return a cached vault for a secret (key derivation is not free)."""
    return PhoneVault(secret_key)
