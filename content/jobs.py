"""Running long work off the request path, with retries and progress.

`job_start(kind=..., params=...)` records a BackgroundJob and enqueues it (after the transaction
commits) on the tasks backend; a worker (`manage.py db_worker`) runs the handler registered for its
kind. A failing handler is retried with a growing delay up to `max_attempts`, then the job is marked
failed with the error, which its page and the log report.
"""

import datetime
import logging
import traceback

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .audit import acting_as
from .models import BackgroundJob, JobStatus

log = logging.getLogger(__name__)

HANDLERS = {}


def job_handler(kind: str):
    """Register `function(job, progress)` as the handler of a job kind; it returns a JSON result."""

    def register(function):
        HANDLERS[kind] = function
        return function

    return register


class Progress:
    """Handed to a handler so it can report how far it got; writes at most every `every` steps."""

    def __init__(self, job: BackgroundJob, every: int = 1):
        self.job = job
        self.every = max(1, every)

    def set_total(self, total: int) -> None:
        self.job.progress_total = total
        BackgroundJob.objects.filter(pk=self.job.pk).update(progress_total=total)

    def advance(self, done: int, message: str = "") -> None:
        self.job.progress_done = done
        if message:
            self.job.message = message[:500]
        if done % self.every == 0 or done >= self.job.progress_total:
            BackgroundJob.objects.filter(pk=self.job.pk).update(progress_done=done, message=message[:500])


def job_start(*, kind: str, params: dict, created_by=None, max_attempts: int = 3) -> BackgroundJob:
    if kind not in HANDLERS:
        raise ValueError(f"No handler for background job kind {kind!r}")
    job = BackgroundJob.objects.create(kind=kind, params=params, created_by=created_by, max_attempts=max_attempts)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int, delay_seconds: int = 0) -> None:
    runner = run_job
    if delay_seconds and runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_seconds))
    runner.enqueue(job_id)


@task()
def run_job(job_id: int) -> str:
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return "skipped"
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.save(update_fields=["status", "attempts", "updated_at"])
    try:
        with acting_as(job.created_by):  # what the job changes is audited as its creator's doing
            result = HANDLERS[job.kind](job=job, progress=Progress(job))
    except Exception as exc:  # noqa: BLE001 - any failure of a handler is retried, then reported
        return _after_failure(job, exc)
    job.status = JobStatus.SUCCEEDED
    job.result = result or {}
    job.finished_at = timezone.now()
    job.message = job.message or "Done."
    if job.progress_total:
        job.progress_done = job.progress_total
    job.save()
    return job.status


def _after_failure(job: BackgroundJob, exc: Exception) -> str:
    summary = f"{type(exc).__name__}: {exc}"
    job.error = "".join(traceback.format_exception(exc))[-4000:]
    if job.attempts < job.max_attempts:
        delay = settings.JOB_RETRY_BACKOFF_SECONDS * (2 ** (job.attempts - 1))
        job.status = JobStatus.RETRYING
        job.message = f"Attempt {job.attempts} of {job.max_attempts} failed ({summary}); retrying."
        job.save(update_fields=["status", "message", "error", "updated_at"])
        log.warning("job %s (%s) failed on attempt %s, retrying: %s", job.pk, job.kind, job.attempts, summary)
        _enqueue(job.pk, delay_seconds=delay)
        return job.status
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    job.message = f"Failed after {job.attempts} attempts: {summary}"[:500]
    job.save(update_fields=["status", "message", "error", "finished_at", "updated_at"])
    log.error("job %s (%s) failed for good after %s attempts: %s", job.pk, job.kind, job.attempts, summary)
    return job.status


@job_handler("send_mail")
def send_mail_job(*, job, progress):
    """Mail sent by a worker: a slow or failing mail server never holds up or loses a change."""
    params = job.params
    sent = send_mail(params["subject"], params["body"], settings.DEFAULT_FROM_EMAIL, params["to"], fail_silently=False)
    return {"sent": sent}


def mail_later(*, subject: str, body: str, to: list[str]) -> BackgroundJob | None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    return job_start(kind="send_mail", params={"subject": subject, "body": body, "to": recipients})
