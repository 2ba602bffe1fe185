"""python manage.py embed_assets: embed the passages of every published asset for semantic search."""

import sys

from django.core.management.base import BaseCommand, CommandError

from content.models import Asset, AssetEmbedding, AssetStatus
from content.semantic import runtime
from content.semantic.bulk import EncoderPool
from content.semantic.embedding import EMBEDDED, FAILED, UNCHANGED, embed_assets, remove_passages
from content.semantic.encoder import cache_dir


class Command(BaseCommand):
    help = (
        "Embed the passages of every published asset (and drop those of unpublished ones) so semantic "
        "search finds them. Resumable: assets whose text and model are unchanged since their last "
        "embedding are skipped, and each batch is committed. --rebuild embeds everything again; "
        "--workers N encodes on N cores. Prints 'embedded N, unchanged N, failed N, removed N'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Embed every asset again, reusing nothing.")
        parser.add_argument("--batch-size", type=int, default=64, help="Assets per batch (and per commit).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Encoder processes (one core each); as many as the machine's cores for a full re-embed.",
        )

    def handle(self, *args, rebuild=False, batch_size=64, no_progress=False, workers=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        try:
            encoder = runtime.encoder()
        except runtime.SemanticUnavailable as exc:
            raise CommandError(f"Text cannot be embedded: {exc.reason}") from exc
        pool = EncoderPool(encoder, workers=workers, directory=cache_dir()) if workers > 1 else None
        try:
            counts, removed = self.embed_all(pool or encoder, rebuild=rebuild, batch_size=batch_size, quiet=no_progress)
        finally:
            if pool:
                pool.close()
        self.stdout.write(
            f"embedded {counts[EMBEDDED]}, unchanged {counts[UNCHANGED]}, failed {counts[FAILED]}, removed {removed}"
        )

    def embed_all(self, encoder, *, rebuild: bool, batch_size: int, quiet: bool):
        removed = 0
        stale = AssetEmbedding.objects.exclude(passage_count=0).exclude(asset__status=AssetStatus.PUBLISHED)
        for asset_id in list(stale.values_list("asset_id", flat=True)):
            remove_passages(asset_id=asset_id)
            removed += 1
        published = Asset.objects.published().order_by("pk")
        ids = list(published.values_list("pk", flat=True))
        counts = {EMBEDDED: 0, UNCHANGED: 0, FAILED: 0}
        bar = _progress(len(ids), disabled=quiet)
        for start in range(0, len(ids), batch_size):
            batch = list(published.filter(pk__in=ids[start : start + batch_size]))
            outcomes = embed_assets(assets=batch, rebuild=rebuild, encoder=encoder)
            for outcome in outcomes.values():
                counts[outcome] = counts.get(outcome, 0) + 1
            bar.update(len(batch))
        bar.close()
        return counts, removed


def _progress(total: int, *, disabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="asset", file=sys.stderr, disable=disabled or not total, mininterval=1.0)
