"""Two messages sent at the same moment by one client cannot both take its last use of the hour."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from xuncha.findings.models import Category, Petition
from xuncha.inspections.models import Assignment
from xuncha.public import views
from xuncha.public.models import SubmissionQuota


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_messages_share_one_allowance(
    stationed: Assignment, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one use left and a slow submission, the second request waits for the first and is then refused."""
    settings.XUNCHA_PETITIONS_PER_HOUR = 1
    submit = views.submit_public_petition

    def slow_submit(*args: Any, **kwargs: Any) -> Petition:
        time.sleep(0.5)  # wide enough for the other request to check the allowance meanwhile, were it not held
        return submit(*args, **kwargs)

    monkeypatch.setattr(views, "submit_public_petition", slow_submit)
    url = reverse("public:petition-form", args=[stationed.public_key])
    start = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        try:
            start.wait()
            response = Client().post(url, {"category": Category.BENEFIT, "text": "同时发送的反映"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 429]
    assert Petition.objects.count() == 1
    assert SubmissionQuota.objects.count() == 1
