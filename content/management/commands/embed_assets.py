"""python manage.py embed_assets: embed the passages of every published asset for semantic search."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from content.models import Asset, AssetEmbedding, AssetStatus, BackgroundJob, JobStatus
from content.semantic import runtime
from content.semantic.bulk import default_workers, open_bulk_encoder
from content.semantic.embedding import (
    EMBEDDED,
    FAILED,
    UNCHANGED,
    complete_embedding,
    plan_embedding,
    remove_passages,
)

# A rebuild is recorded as a job (its start and progress): a killed one is continued, not restarted.
REBUILD_JOB = "embed_rebuild"


class Command(BaseCommand):
    help = (
        "Embed the passages of every published asset (and drop those of unpublished ones) so semantic "
        "search finds them. Resumable: assets whose text and model are unchanged since their last "
        "embedding are skipped, and each batch is committed. --rebuild embeds everything again (a "
        "rebuild that was stopped is continued by the next --rebuild); --workers N encodes on N cores "
        "(default: all of them). Prints 'embedded N, unchanged N, failed N, removed N'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Embed every asset again, reusing nothing.")
        parser.add_argument("--batch-size", type=int, default=64, help="Assets per batch (and per commit).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Encoder processes, one core and one onnxruntime thread each (default: this machine's cores).",
        )

    def handle(self, *args, rebuild=False, batch_size=64, no_progress=False, workers=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        try:
            encoder = open_bulk_encoder(runtime.encoder(), workers=workers)
        except runtime.SemanticUnavailable as exc:
            raise CommandError(f"Text cannot be embedded: {exc.reason}") from exc
        job = self.rebuild_job() if rebuild else None
        try:
            counts, removed = self.embed_all(encoder, job=job, batch_size=batch_size, quiet=no_progress)
        finally:
            encoder.close()
        summary = (
            f"embedded {counts[EMBEDDED]}, unchanged {counts[UNCHANGED]}, failed {counts[FAILED]}, removed {removed}"
        )
        if job:
            BackgroundJob.objects.filter(pk=job.pk).update(
                status=JobStatus.SUCCEEDED, finished_at=timezone.now(), message=summary, result=counts
            )
        self.stdout.write(summary)

    def rebuild_job(self) -> BackgroundJob:
        """The unfinished rebuild to continue (what it embedded already stays), or a new one."""
        job = BackgroundJob.objects.filter(kind=REBUILD_JOB, status=JobStatus.RUNNING).order_by("created_at").first()
        if job:
            self.stderr.write(f"Continuing the rebuild begun at {job.created_at:%Y-%m-%d %H:%M:%S %Z}.")
            return job
        return BackgroundJob.objects.create(
            kind=REBUILD_JOB, status=JobStatus.RUNNING, attempts=1, max_attempts=1, message="Embedding every asset."
        )

    def embed_all(self, encoder, *, job: BackgroundJob | None, batch_size: int, quiet: bool):
        removed = 0
        stale = AssetEmbedding.objects.exclude(passage_count=0).exclude(asset__status=AssetStatus.PUBLISHED)
        for asset_id in list(stale.values_list("asset_id", flat=True)):
            remove_passages(asset_id=asset_id)
            removed += 1
        published = Asset.objects.published().order_by("pk")
        ids = list(published.values_list("pk", flat=True))
        counts = {EMBEDDED: 0, UNCHANGED: 0, FAILED: 0}
        bar = _progress(len(ids), disabled=quiet)
        if job:
            BackgroundJob.objects.filter(pk=job.pk).update(progress_total=len(ids))

        def finish(plan, vectors, size: int, done: int) -> None:
            for outcome in complete_embedding(plan, vectors.result if vectors else None).values():
                counts[outcome] = counts.get(outcome, 0) + 1
            bar.update(size)
            if job:
                BackgroundJob.objects.filter(pk=job.pk).update(progress_done=done)

        # One batch is encoded while the one before it is written: the processes never wait for
        # the database.
        previous = None
        for start in range(0, len(ids), batch_size):
            batch = list(published.filter(pk__in=ids[start : start + batch_size]))
            plan = plan_embedding(
                assets=batch,
                version=encoder.model_version,
                rebuild=job is not None,
                embedded_since=job.created_at if job else None,
            )
            vectors = encoder.submit(list(plan.missing.values())) if plan.missing else None
            if previous:
                finish(*previous)
            previous = (plan, vectors, len(batch), start + len(batch))
        if previous:
            finish(*previous)
        bar.close()
        return counts, removed


def _progress(total: int, *, disabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="asset", file=sys.stderr, disable=disabled or not total, mininterval=1.0)
