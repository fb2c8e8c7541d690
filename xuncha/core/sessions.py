"""A database session store that keeps only a keyed hash of each session key.

Django's database store uses the cookie's value as the primary key of ``django_session``, so whoever can read the
table (a backup, a database account, a copy of the SQLite file) can take over every signed-in session. Here the row
is keyed by an HMAC-SHA256 of the cookie value under ``SECRET_KEY``: the table alone opens no session. Signed
cookies would keep nothing on the server, but then a signed-out or idle session could be replayed until it expires
and the server could not end a session it did not see; a row per session keeps both in the server's hands.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

# ``django_session.session_key`` holds 40 characters: the first 160 bits of the digest.
STORED_KEY_LENGTH = 40


def stored_key(session_key: str) -> str:
    """The key under which a session whose cookie holds ``session_key`` is stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"xuncha.session:" + session_key.encode(), hashlib.sha256
    ).hexdigest()
    return digest[:STORED_KEY_LENGTH]


class SessionStore(DatabaseSessionStore):
    """Django's database store with every lookup and write keyed by ``stored_key`` of the cookie's value."""

    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        row = self.model.objects.filter(
            session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
        ).first()
        if row is None:
            self._session_key = None
        return row

    async def _aget_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        row = await self.model.objects.filter(
            session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
        ).afirst()
        if row is None:
            self._session_key = None
        return row

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=stored_key(session_key)).exists())

    async def aexists(self, session_key: str) -> bool:
        return bool(await self.model.objects.filter(session_key=stored_key(session_key)).aexists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            session_key=stored_key(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            session_key=stored_key(await self._aget_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=await self.aget_expiry_date(),
        )

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=stored_key(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        await self.model.objects.filter(session_key=stored_key(session_key)).adelete()
