"""Background jobs: run after commit, retried on failure, then reported; progress is visible."""

import pytest
from django.core import mail

from content.jobs import HANDLERS, job_handler, job_start, mail_later
from content.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_handler():
    calls = []

    @job_handler("flaky-test")
    def flaky(*, job, progress):
        calls.append(job.attempts)
        if len(calls) < 3:
            raise ConnectionError("mail server away")
        progress.set_total(4)
        progress.advance(4, "all four done")
        return {"ok": True}

    yield calls
    HANDLERS.pop("flaky-test")


@pytest.fixture
def broken_handler():
    @job_handler("broken-test")
    def broken(*, job, progress):
        raise ValueError("the file is unreadable")

    yield
    HANDLERS.pop("broken-test")


def test_a_failing_job_is_retried_until_it_succeeds(flaky_handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="flaky-test", params={}, max_attempts=3)
    job.refresh_from_db()
    assert flaky_handler == [1, 2, 3]
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"ok": True}
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)


def test_a_job_that_keeps_failing_is_reported_as_failed(broken_handler, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="broken-test", params={}, max_attempts=2)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 2
    assert "the file is unreadable" in job.message and "ValueError" in job.error
    assert job.finished_at is not None
    assert any("failed for good" in record.message for record in caplog.records)


def test_nothing_is_enqueued_when_the_transaction_rolls_back(flaky_handler, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                job_start(kind="flaky-test", params={})
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert callbacks == [] and flaky_handler == []
    assert not BackgroundJob.objects.exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No handler"):
        job_start(kind="nope", params={})


def test_mail_is_sent_by_a_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = mail_later(subject="Your request was accepted", body="Hello", to=["rep@example.com", ""])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]


def test_the_progress_page_is_for_its_creator_only(client, rep, other_rep, flaky_handler):
    job = BackgroundJob.objects.create(kind="flaky-test", created_by=rep, progress_total=10, progress_done=5)
    client.force_login(rep)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert b'value="50"' in page.content and b"5 of 10" in page.content
    assert b'hx-trigger="every 1s"' in page.content
    client.force_login(other_rep)
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker reconnects
def test_the_database_queue_and_its_worker_run_and_retry_jobs(
    settings, django_capture_on_commit_callbacks, flaky_handler
):
    """The production path: jobs wait in the database until `manage.py db_worker` runs them."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="flaky-test", params={}, max_attempts=3)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and flaky_handler == []  # nothing ran on the request path
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert flaky_handler == [1, 2, 3]
    assert job.status == JobStatus.SUCCEEDED
