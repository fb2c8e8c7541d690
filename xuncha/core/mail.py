"""The mail backend of a deployment without e-mail (``XUNCHA_NO_EMAIL=1``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class NoEmailBackend(BaseEmailBackend):
    """Sends nothing and says so in the log. Xuncha sends mail only when ``EMAIL_HOST`` is set, so a message
    reaching this backend is a mistake worth a line in the log, not a message to print (it may name cases)."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if email_messages:
            logger.warning("E-mail is turned off (XUNCHA_NO_EMAIL=1); %d message(s) not sent.", len(email_messages))
        return 0
