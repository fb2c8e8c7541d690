"""Field encryption of residents' names and phones (``xuncha.core.crypto``): round trips, key rotation, and
tokens that no configured key opens."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from xuncha.core import crypto
from xuncha.core.crypto import InvalidToken

NAME = "张秀英"
PHONE = "13907731234"


@pytest.fixture
def old_key() -> str:
    return Fernet.generate_key().decode("ascii")


@pytest.fixture
def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


@pytest.mark.parametrize("text", [NAME, PHONE, "李 四 (村民代表) 👍", "x" * 5000])
def test_encrypt_and_decrypt_round_trip(text: str) -> None:
    """What is encrypted decrypts to the same text, and the token does not contain it."""
    token = crypto.encrypt(text)

    assert token != text
    assert text not in token
    assert crypto.decrypt(token) == text


def test_encrypting_twice_gives_different_tokens() -> None:
    """Each token has its own IV: equal names cannot be matched by comparing tokens."""
    assert crypto.encrypt(NAME) != crypto.encrypt(NAME)


def test_empty_stays_empty() -> None:
    """Nothing to hide gives no token, and no token reads as nothing."""
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


def test_a_token_of_the_old_key_decrypts_after_rotation(settings: Any, old_key: str, new_key: str) -> None:
    """After rotation ([new, old]) old tokens still open, and new ones are made with the new key."""
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    old_token = crypto.encrypt(NAME)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    assert crypto.decrypt(old_token) == NAME
    new_token = crypto.encrypt(PHONE)
    assert Fernet(new_key.encode("ascii")).decrypt(new_token.encode("ascii")) == PHONE.encode()
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode("ascii")).decrypt(new_token.encode("ascii"))


def test_a_token_under_an_unknown_key_is_refused(settings: Any, old_key: str, new_key: str) -> None:
    """A token that no configured key opens raises InvalidToken instead of returning garbage."""
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    token = crypto.encrypt(NAME)

    settings.FIELD_ENCRYPTION_KEYS = [new_key]

    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_a_tampered_token_is_refused() -> None:
    """Fernet authenticates its tokens: a changed character is detected."""
    token = crypto.encrypt(NAME)
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]

    with pytest.raises(InvalidToken):
        crypto.decrypt(tampered)


def test_load_or_create_key_creates_a_private_key_once(tmp_path: Path) -> None:
    """The first call writes a usable key readable by its owner only; later calls return the same key."""
    path = tmp_path / "var" / "field_key"

    key = crypto.load_or_create_key(path)

    assert Fernet(key.encode("ascii"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.load_or_create_key(path) == key
