"""The data migration seeds the shared language and the role groups."""

import pytest
from django.contrib.auth.models import Group

from content.models import FunnelStage, Persona

pytestmark = pytest.mark.django_db


def test_the_default_funnel_stages_are_seeded_in_order_with_definitions():
    stages = list(FunnelStage.objects.all())
    assert [s.name for s in stages] == ["Curious", "Engaged", "Interested", "Evaluating", "Customer"]
    assert all(s.definition and s.entry_criteria for s in stages)


def test_six_personas_with_pains_are_seeded():
    assert Persona.objects.count() == 6
    assert not Persona.objects.filter(pains="").exists()


def test_the_three_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Sales", "Marketing", "Managers"}


def test_the_migration_reverses_and_reapplies(transactional_db):
    from django.core.management import call_command

    call_command("migrate", "content", "0001", verbosity=0)
    assert not FunnelStage.objects.exists()
    call_command("migrate", "content", verbosity=0)
    assert FunnelStage.objects.count() == 5


def test_no_model_change_is_missing_its_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_report_indexes_are_built_outside_a_transaction_and_exist():
    # Concurrent index builds on PostgreSQL cannot run inside a transaction.
    from importlib import import_module

    from django.db import connection

    migration = import_module("content.migrations.0006_report_indexes").Migration
    assert migration.atomic is False
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "content_usage")
    assert indexes["usage_period"]["columns"] == [
        "used_at",
        "asset_id",
        "user_id",
        "deal_id",
        "stage_id",
        "action",
        "id",
    ]
    assert indexes["usage_deal_time_asset"]["columns"] == ["deal_id", "used_at", "asset_id"]
    assert "usage_time" not in indexes and "usage_deal_time" not in indexes
