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
