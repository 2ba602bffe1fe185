"""The passages nearest a query vector, behind one interface (`nearest`), with two backends:

- pgvector, on PostgreSQL when the `vector` extension and the `content_passage.embedding` column
  exist (migration 0010 adds them only where the extension is available): an HNSW index in SQL.
- in process otherwise: every current passage vector in one int8 matrix (384 bytes a passage,
  77 MB for 200,000), scanned exactly (usearch's SIMD kernels; numpy when usearch is missing),
  loaded lazily per worker and kept current by one cheap query per search: the newest
  `AssetEmbedding.changed_at`. When it moved, only the assets changed since are read again.
"""

import contextlib
import datetime
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Max
from django.utils import timezone

DIMENSIONS = 384
# Changes are found by time; a transaction commits a little after it stamped its change, and app
# servers' clocks differ a little: every sync reads again what changed in this window.
LOOKBACK = datetime.timedelta(seconds=60)
LOAD_CHUNK = 5000
# Quantisation: components of a unit vector of 384 dimensions stay well inside ±0.5.
QUANT_RANGE = 0.5
QUANT_SCALE = 127.0 / QUANT_RANGE
# The exact scan of the in-process matrix runs on the request's thread, on up to this many cores
# (175,816 passages: 31 ms on one core, 19 ms on two).
SCAN_THREADS = 2


@dataclass(frozen=True)
class Hit:
    passage_id: int
    asset_id: int
    score: float  # cosine similarity (the vectors are unit length)
    ordinal: int | None = None  # the passage's place in its asset: 0 is its title and summary


def quantise(vectors: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.asarray(vectors, dtype=np.float32) * QUANT_SCALE), -127, 127).astype(np.int8)


# pgvector -----------------------------------------------------------------------------------------

_pgvector_ready: dict[str, bool] = {}


def pgvector_ready() -> bool:
    """True on PostgreSQL when the `vector` extension is installed and passages have their column;
    asked of the database once per process and database."""
    if connection.vendor != "postgresql":
        return False
    key = str(connection.settings_dict.get("NAME"))
    if key not in _pgvector_ready:
        _pgvector_ready[key] = _detect_pgvector()
    return _pgvector_ready[key]


def _detect_pgvector() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
        if cursor.fetchone() is None:
            return False
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'content_passage' AND column_name = 'embedding'"
        )
        return cursor.fetchone() is not None


def forget_backend() -> None:
    """Ask the database again which backend to use (after a migration, in tests)."""
    _pgvector_ready.clear()


def _vector_literal(vector) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


def store(passages) -> None:
    """Copy freshly written passages' vectors into the pgvector column, when there is one."""
    if not passages or not pgvector_ready():
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE content_passage SET embedding = %s::vector WHERE id = %s",
            [(_vector_literal(np.frombuffer(bytes(p.vector), dtype=np.float32)), p.pk) for p in passages],
        )


def _pgvector_nearest(query_vector, k: int, model_version: str) -> list[Hit]:
    literal = _vector_literal(query_vector)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, asset_id, -(embedding <#> %s::vector), ordinal FROM content_passage "
            "WHERE model_version = %s AND embedding IS NOT NULL ORDER BY embedding <#> %s::vector LIMIT %s",
            [literal, model_version, literal, k],
        )
        return [Hit(pk, asset_id, float(score), ordinal) for pk, asset_id, score, ordinal in cursor.fetchall()]


# In process ---------------------------------------------------------------------------------------


class InProcessIndex:
    """Passage vectors of one model, as int8 rows; a replaced asset's old rows are zeroed and
    marked dead (asset id -1) until enough of them make a full reload worth it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.vectors = np.zeros((0, DIMENSIONS), dtype=np.int8)
        self.passage_ids = np.zeros(0, dtype=np.int64)
        self.asset_ids = np.zeros(0, dtype=np.int64)
        self.ordinals = np.zeros(0, dtype=np.int32)
        self.size = 0
        self.dead = 0
        self.rows_of: dict[int, list[int]] = {}
        self.model_version = None
        self.mark = None  # the newest change this index has read

    # -- keeping current --

    def sync(self, model_version: str) -> None:
        from ..models import AssetEmbedding

        newest = AssetEmbedding.objects.aggregate(newest=Max("changed_at"))["newest"]
        with self.lock:
            if model_version != self.model_version or newest is None or self.mark is None or newest < self.mark:
                self._load_all(model_version, newest)
            elif newest > self.mark or self.dead > max(1000, self.size // 4):
                if self.dead > max(1000, self.size // 4):
                    self._load_all(model_version, newest)
                else:
                    self._load_changes(model_version, newest)

    def _load_all(self, model_version: str, newest) -> None:
        from ..models import Passage

        self.reset()
        self.model_version = model_version
        self.mark = newest or timezone.now()
        total = Passage.objects.filter(model_version=model_version).count()
        self._reserve(total)
        rows = Passage.objects.filter(model_version=model_version).values_list("id", "asset_id", "vector", "ordinal")
        self._append(rows.order_by().iterator(chunk_size=LOAD_CHUNK))

    def _load_changes(self, model_version: str, newest) -> None:
        from ..models import AssetEmbedding, Passage

        since = self.mark - LOOKBACK
        changed = list(AssetEmbedding.objects.filter(changed_at__gt=since).values_list("asset_id", flat=True))
        for asset_id in changed:
            for row in self.rows_of.pop(asset_id, ()):
                self.vectors[row] = 0
                self.asset_ids[row] = -1
                self.dead += 1
        rows = Passage.objects.filter(asset_id__in=changed, model_version=model_version)
        rows = rows.order_by().values_list("id", "asset_id", "vector", "ordinal")
        self._append(rows.iterator(chunk_size=LOAD_CHUNK))
        self.mark = newest

    def _reserve(self, capacity: int) -> None:
        if capacity <= len(self.vectors):
            return
        capacity = max(capacity, len(self.vectors) * 3 // 2 + 64)
        grown = np.zeros((capacity, DIMENSIONS), dtype=np.int8)
        grown[: self.size] = self.vectors[: self.size]
        self.vectors = grown
        self.passage_ids = np.resize(self.passage_ids, capacity)
        self.asset_ids = np.resize(self.asset_ids, capacity)
        self.ordinals = np.resize(self.ordinals, capacity)

    def _append(self, rows) -> None:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= LOAD_CHUNK:
                self._append_batch(batch)
                batch = []
        if batch:
            self._append_batch(batch)

    def _append_batch(self, batch) -> None:
        start = self.size
        self._reserve(start + len(batch))
        floats = np.frombuffer(b"".join(bytes(vector) for _, _, vector, _ in batch), dtype=np.float32)
        self.vectors[start : start + len(batch)] = quantise(floats.reshape(len(batch), DIMENSIONS))
        for offset, (passage_id, asset_id, _, ordinal) in enumerate(batch):
            self.passage_ids[start + offset] = passage_id
            self.asset_ids[start + offset] = asset_id
            self.ordinals[start + offset] = ordinal
            self.rows_of.setdefault(asset_id, []).append(start + offset)
        self.size += len(batch)

    # -- searching --

    def search(self, query_vector, k: int) -> list[Hit]:
        with self.lock:
            size = self.size
            vectors, passage_ids, asset_ids = self.vectors[:size], self.passage_ids[:size], self.asset_ids[:size]
            ordinals = self.ordinals[:size]
        if not size or k <= 0:
            return []
        query = quantise(np.asarray(query_vector, dtype=np.float32).reshape(DIMENSIONS))
        wanted = min(size, k + min(self.dead, 64))
        rows = _top_rows(vectors, query, wanted)
        scores = vectors[rows].astype(np.int32) @ query.astype(np.int32) / (QUANT_SCALE * QUANT_SCALE)
        hits = [
            Hit(int(passage_ids[row]), int(asset_ids[row]), float(score), int(ordinals[row]))
            for row, score in zip(rows, scores, strict=True)
            if asset_ids[row] >= 0
        ]
        hits.sort(key=lambda hit: (-hit.score, hit.passage_id))
        return hits[:k]


def _load_onnxruntime_first() -> None:
    """onnxruntime crashes the process when it is loaded after usearch's native module (seen
    with onnxruntime 1.32 and usearch 2.26); loaded before, both work."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401


def _top_rows(vectors: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    """The rows with the largest inner products with `query`, exactly."""
    try:
        _load_onnxruntime_first()
        from usearch.index import MetricKind, search
    except ImportError:  # numpy: a float32 copy of one block at a time
        scores = np.concatenate(
            [
                block.astype(np.float32) @ query.astype(np.float32)
                for block in np.array_split(vectors, 1 + len(vectors) // 65536)
            ]
        )
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        return top[np.argsort(-scores[top], kind="stable")]
    matches = search(vectors, query, k, MetricKind.IP, exact=True, threads=SCAN_THREADS)
    return np.asarray(matches.keys, dtype=np.int64)


_index = InProcessIndex()


def in_process_index() -> InProcessIndex:
    return _index


def backend_name() -> str:
    return "pgvector" if pgvector_ready() else "in-process"


def nearest(query_vector, k: int, *, model_version: str) -> list[Hit]:
    """The `k` passages most similar to the query vector, best first, over every embedded passage
    (published assets only: others have none). Visibility and filters are the caller's."""
    if pgvector_ready():
        return _pgvector_nearest(query_vector, k, model_version)
    _index.sync(model_version)
    return _index.search(query_vector, k)
