"""Upserts that are idempotent under concurrency: the same new deal sent at once by several CRM
retries, webhooks or imports is created once, and every caller gets a correct answer, never a 500.

The races are real on PostgreSQL (threads on their own connections, released together by a
barrier). SQLite's in-memory test database cannot wait out a lock, so there the calls take turns:
the test then checks the same outcome without the race."""

import contextlib
import hashlib
import hmac
import json
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client, override_settings
from rest_framework.test import APIClient

from content.importers import import_deals
from content.models import Deal
from content.permissions import ROLE_GROUPS

from .factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "concurrency-secret"


def run_together(calls: int, call):
    """Run `call(i)` in `calls` threads released at once; return their results and errors."""
    on_postgres = connection.vendor == "postgresql"
    barrier = threading.Barrier(calls)
    turn = contextlib.nullcontext() if on_postgres else threading.Lock()
    results, errors = [None] * calls, []

    def work(i):
        try:
            barrier.wait(timeout=30)
            with turn:
                results[i] = call(i)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def manager():
    for name in ROLE_GROUPS:  # a transactional test before this one may have flushed the seeded groups
        Group.objects.get_or_create(name=name)
    return UserFactory(username="race-manager", groups=["Managers"])


def test_ten_puts_of_one_new_deal_at_once_create_it_once_and_all_succeed(manager):
    body = {"name": "Raced deal", "stage": "Prospecting", "amount": "1000.00"}

    def put(_):
        api = APIClient()
        api.force_authenticate(manager)
        return api.put("/api/v1/deals/RACE-1/", body, format="json").status_code

    statuses, errors = run_together(10, put)
    assert errors == []
    assert sorted(set(statuses)) in ([200, 201], [201])
    assert statuses.count(201) == 1
    assert Deal.objects.filter(crm_id="RACE-1").count() == 1


@override_settings(CRM_WEBHOOK_SECRET=SECRET)
def test_webhooks_creating_the_same_new_deal_at_once_all_succeed():
    def post(i):
        body = json.dumps({"event_id": f"evt-{i}", "crm_id": "RACE-2", "name": "Raced", "stage": "Prospecting"})
        signature = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        response = Client().post(
            "/api/v1/webhooks/crm/", data=body, content_type="application/json", HTTP_X_SIGNATURE=signature
        )
        return response.status_code

    statuses, errors = run_together(10, post)
    assert errors == []
    assert statuses == [200] * 10
    assert Deal.objects.filter(crm_id="RACE-2").count() == 1


def test_the_same_file_imported_twice_at_once_creates_each_deal_once():
    lines = ["Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date"]
    lines += [f"RACE-{n},Deal {n},Account {n},{1000 + n},Prospecting,2026-06-01" for n in range(300)]
    text = "\n".join(lines).encode()

    def run(_):
        import io

        report = import_deals(file=io.BytesIO(text))
        return report.created, report.unchanged

    reports, errors = run_together(2, run)
    assert errors == []
    assert sorted(reports) == [(0, 300), (300, 0)]
    assert Deal.objects.filter(crm_id__startswith="RACE-").count() == 300
