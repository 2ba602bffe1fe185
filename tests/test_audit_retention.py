"""AUDIT_RETENTION_DAYS and `manage.py prune_audit`: the events older than the retention go, oldest
first, in batches, with progress and a one-line summary; --dry-run only counts; 0 keeps everything;
the pruning is itself an audit event."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from content.audit import audit_event
from content.audit.retention import prune_audit
from content.models import AuditEvent

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def aged():
    """Seven events: 500, 400, 366, 300, 10 and 1 days old, and one written now."""
    AuditEvent.objects.all().delete()
    now = timezone.now()
    for days in (500, 400, 366, 300, 10, 1, 0):
        entry = audit_event(actor=None, verb="user.sign_in_failed", username=f"age-{days}")
        AuditEvent.objects.filter(pk=entry.pk).update(timestamp=now - datetime.timedelta(days=days))
    return now


def ages() -> list[str]:
    return sorted(
        (e.additional_data or {}).get("username", e.event) for e in AuditEvent.objects.exclude(event="audit.pruned")
    )


def run(*args) -> str:
    out = StringIO()
    call_command("prune_audit", *args, stdout=out)
    return out.getvalue()


def test_events_older_than_the_retention_are_pruned_in_batches_with_progress(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    output = run("--batch-size", "2")
    assert output.splitlines() == [
        "  deleted 2…",
        "  deleted 3…",
        output.splitlines()[-1],
    ]
    assert output.splitlines()[-1].startswith("pruned 3 events older than ")
    assert ages() == ["age-0", "age-1", "age-10", "age-300"]
    pruned = AuditEvent.objects.get(event="audit.pruned")
    assert pruned.additional_data["deleted"] == 3 and pruned.actor is None


def test_a_dry_run_counts_and_deletes_nothing(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    assert run("--dry-run").startswith("would prune 3 events older than ")
    assert len(ages()) == 7 and not AuditEvent.objects.filter(event="audit.pruned").exists()


def test_days_on_the_command_line_override_the_setting(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    assert run("--days", "5").splitlines()[-1].startswith("pruned 5 events")
    assert ages() == ["age-0", "age-1"]


def test_a_retention_of_zero_keeps_every_event(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    assert run() == "pruned 0 events: AUDIT_RETENTION_DAYS is 0, events are kept for ever\n"
    assert len(ages()) == 7


def test_nothing_old_enough_writes_no_pruning_event(aged):
    assert prune_audit(days=1000).deleted == 0
    assert not AuditEvent.objects.filter(event="audit.pruned").exists()


@pytest.mark.parametrize("args", [["--days", "-1"], ["--batch-size", "0"]])
def test_nonsense_arguments_are_refused(args):
    with pytest.raises(CommandError):
        run(*args)


def test_each_batch_is_one_select_of_ids_and_one_delete(aged, django_assert_num_queries):
    # per batch: the ids of the oldest events, their DELETE; then the empty last look, the event
    with django_assert_num_queries(2 * 2 + 1 + 1):
        assert prune_audit(days=365, batch_size=2).deleted == 3


def test_a_negative_retention_is_refused_at_start():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"AUDIT_RETENTION_DAYS": "-5"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be 0" in result.stderr
