"""Hourly allowances of the public forms, counted in the database so that every gunicorn worker sees one count.

A client is known by its address (``core.http.client_ip``): ``REMOTE_ADDR``, or behind a trusted reverse proxy
(``XUNCHA_TRUSTED_PROXIES``) the address the proxy forwarded, so that residents behind one proxy are counted apart.
The address is never stored: only a keyed SHA-256 of it (``salted_hmac`` under the secret key), which cannot be
turned back into the address by someone who reads the database.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from xuncha.core.http import client_ip
from xuncha.public.models import SubmissionQuota

WINDOW = timedelta(hours=1)
# Receipt lookups: enough for a resident checking a few codes, too few to try codes at random.
LOOKUPS_PER_HOUR = 30
# Survey answers: a family or a village meeting may answer from one connection (a shared Wi-Fi, a carrier's
# address); a script trying new cookies runs into it soon.
SURVEY_ANSWERS_PER_HOUR = 20
# Residents' confirmations of items (已解决 / 未解决), the same allowance as survey answers, for the same reasons.
CONFIRMATIONS_PER_HOUR = 20
KEY_SALT = "xuncha.public.ratelimit"


def client_key(request: HttpRequest) -> str:
    return salted_hmac(KEY_SALT, client_ip(request) or "", algorithm="sha256").hexdigest()


class Allowance:
    """A client's allowance of ``limit`` uses of one form per rolling hour.

    Use it inside ``transaction.atomic``: ``hold`` then ``exhausted``, do the work, then ``spend``; the uses of
    requests refused along the way are not counted.
    """

    def __init__(self, request: HttpRequest, scope: SubmissionQuota.Scope, limit: int) -> None:
        self.scope = scope
        self.limit = limit
        self.key = client_key(request)

    def hold(self) -> None:
        """Make the client's other requests wait until this transaction ends, so that two requests at once
        cannot both take the last use."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(self.key[:15], 16)])
        # SQLite needs nothing: its transactions begin IMMEDIATE (settings), which already serialises writers.

    def exhausted(self) -> bool:
        recent = SubmissionQuota.objects.filter(key=self.key, scope=self.scope, created_at__gt=timezone.now() - WINDOW)
        return recent.count() >= self.limit

    def spend(self) -> None:
        """Count one use, and forget every client's uses older than the window."""
        now = timezone.now()
        SubmissionQuota.objects.filter(created_at__lte=now - WINDOW).delete()
        SubmissionQuota.objects.create(scope=self.scope, key=self.key, created_at=now)

    def take(self) -> bool:
        """Count one use if one is left (for forms whose every use counts); ``False`` when none is."""
        self.hold()
        if self.exhausted():
            return False
        self.spend()
        return True
