"""Passages that answer a question: the library's own sentences nearest the query, from published
assets the user may open, best first. Nothing is generated: every passage is an asset's text."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from ..models import Passage
from ..permissions import visible_assets
from . import index, runtime
from .fusion import MIN_SIMILARITY

MAX_LIMIT = 50
PER_ASSET = 3  # passages of one asset at most, so one long document does not fill the answer


@dataclass(frozen=True)
class Answer:
    asset_id: int
    title: str
    kind: str
    ordinal: int
    text: str
    page: int | None
    score: float
    needs_review: bool
    asset_url: str


def best_passages(*, user, query: str, limit: int = 10) -> list[Answer]:
    """Up to `limit` passages answering `query`; raises SemanticUnavailable without a model."""
    limit = max(1, min(limit, MAX_LIMIT))
    encoder = runtime.encoder()
    vector = runtime.query_vector(query)
    hits = [
        h
        for h in index.nearest(vector, limit * 8 + 40, model_version=encoder.model_version)
        if h.score >= MIN_SIMILARITY
    ]
    if not hits:
        return []
    # Queries: the visible, published assets among the hits; their passages' text.
    allowed = {
        row[0]: row
        for row in visible_assets(user)
        .published()
        .filter(pk__in={h.asset_id for h in hits})
        .values_list("pk", "title", "kind", "review_by")
    }
    chosen, per_asset = [], {}
    for hit in hits:
        if hit.asset_id in allowed and per_asset.get(hit.asset_id, 0) < PER_ASSET:
            per_asset[hit.asset_id] = per_asset.get(hit.asset_id, 0) + 1
            chosen.append(hit)
            if len(chosen) == limit:
                break
    texts = {
        p.pk: p for p in Passage.objects.filter(pk__in=[h.passage_id for h in chosen]).only("ordinal", "text", "page")
    }
    today = timezone.localdate()
    answers = []
    for hit in chosen:
        passage = texts.get(hit.passage_id)
        if passage is None:  # replaced since the index read it
            continue
        _, title, kind, review_by = allowed[hit.asset_id]
        answers.append(
            Answer(
                asset_id=hit.asset_id,
                title=title,
                kind=kind,
                ordinal=passage.ordinal,
                text=passage.text,
                page=passage.page,
                score=round(hit.score, 4),
                needs_review=review_by is not None and review_by < today,
                asset_url=reverse("asset-detail", args=[hit.asset_id]) + f"#passage-{passage.ordinal}",
            )
        )
    return answers
