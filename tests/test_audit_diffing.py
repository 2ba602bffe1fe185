"""An update's field diff is taken against the values the instance was loaded (or last saved) with,
so an audited save reads nothing back from the database; the diff is the same one django-auditlog's
re-read gave, and a field deferred at loading falls back to that re-read."""

from decimal import Decimal

import pytest
from auditlog.context import disable_auditlog
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import AuditEvent, Deal

from .factories import DealFactory

pytestmark = pytest.mark.django_db


def diffs_of(obj):
    return [e.changes for e in AuditEvent.objects.filter(object_id=obj.pk, event="deal.updated").order_by("id")]


def reads_of_deals(queries) -> int:
    return sum(q["sql"].startswith("SELECT") and 'FROM "content_deal"' in q["sql"] for q in queries.captured_queries)


def test_an_audited_update_reads_nothing_back_before_its_write():
    deal = DealFactory(name="Acme renewal", amount=1000)
    loaded = Deal.objects.get(pk=deal.pk)
    loaded.name = "Acme renewal, 2027"
    with CaptureQueriesContext(connection) as queries:
        loaded.save()
    # the audit event's INSERT, then the deal's UPDATE (then the shared cache's data version): the
    # deal's row is never read back
    assert reads_of_deals(queries) == 0
    assert [q["sql"].split()[:3] for q in queries.captured_queries][:2] == [
        ["INSERT", "INTO", '"content_auditevent"'],
        ["UPDATE", '"content_deal"', "SET"],
    ]
    assert diffs_of(deal) == [{"name": ["Acme renewal", "Acme renewal, 2027"]}]


def test_the_diff_is_against_the_values_loaded_even_when_a_field_is_set_twice():
    deal = DealFactory(name="Acme", amount=1000)
    loaded = Deal.objects.get(pk=deal.pk)
    loaded.amount = 2000
    loaded.amount = 1000  # back to what it was: nothing changed
    loaded.name = "Acme Corp"
    loaded.save()
    assert diffs_of(deal) == [{"name": ["Acme", "Acme Corp"]}]


def test_a_second_save_of_the_same_instance_is_diffed_against_the_first():
    deal = DealFactory(name="One")
    deal.name = "Two"
    deal.save()  # the instance made by create(): its values were remembered when it was saved
    deal.name = "Three"
    deal.save(update_fields=["name"])
    deal.save()  # nothing changed: no event
    assert diffs_of(deal) == [{"name": ["One", "Two"]}, {"name": ["Two", "Three"]}]


def test_a_field_deferred_at_loading_falls_back_to_reading_the_row():
    deal = DealFactory(name="Acme", amount=Decimal("1000.00"))
    partial = Deal.objects.only("id", "name", "crm_id").get(pk=deal.pk)  # crm_id: its name in the log
    partial.amount = Decimal("1500.00")  # never loaded: its before comes from the row, read again
    partial.name = "Acme Corp"
    with CaptureQueriesContext(connection) as queries:
        partial.save(update_fields=["name", "amount"])
    assert reads_of_deals(queries) == 1
    assert diffs_of(deal) == [{"name": ["Acme", "Acme Corp"], "amount": ["1000.00", "1500.00"]}]


def test_disable_auditlog_still_turns_the_diff_off():
    deal = DealFactory(name="Acme")
    with disable_auditlog():
        deal.name = "Quiet"
        deal.save()
    assert diffs_of(deal) == []
