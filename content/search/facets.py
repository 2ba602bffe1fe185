"""Facet counts for the library: one grouped SQL query per facet, each respecting the query and
every other active filter (a facet does not narrow its own counts, so a rep can switch values)."""

from django.db.models import Count
from taggit.models import TaggedItem

from ..models import Asset, AssetKind, AssetStatus
from ..permissions import can, visible_assets

TAG_FACET_SIZE = 15


def _base(result, user, skip):
    from . import _filtered

    return _filtered(visible_assets(user), result.params, result.terms, skip=skip).filter(result.text_filter)


def _rows(rows, value_key, label_key, active):
    return [
        {
            "value": row[value_key],
            "label": row[label_key],
            "count": row["n"],
            "active": row[value_key] == active,
        }
        for row in rows
    ]


def facet_counts(result, *, user) -> dict[str, list[dict]]:
    """{facet: [{value, label, count, active}]} for kind, stage, persona, competitor, tag (and
    status for those who see unpublished assets)."""
    params = result.params
    kind_labels = dict(AssetKind.choices)
    kinds = _base(result, user, "kind").values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    facets = {
        "kind": [
            {
                "value": row["kind"],
                "label": kind_labels.get(row["kind"], row["kind"]),
                "count": row["n"],
                "active": row["kind"] == params.kind,
            }
            for row in kinds
        ],
    }
    for facet, relation, term, order in (
        ("stage", Asset.stages.through, "funnelstage", ("funnelstage__order",)),
        ("persona", Asset.personas.through, "persona", ("-n", "persona__name")),
        ("competitor", Asset.competitors.through, "competitor", ("-n", "competitor__name")),
    ):
        rows = (
            relation.objects.filter(asset__in=_base(result, user, facet).values("pk"))
            .values(f"{term}__slug", f"{term}__name", *[f for f in order if f.startswith(term)])
            .annotate(n=Count("asset_id"))
            .order_by(*order)
        )
        facets[facet] = _rows(rows, f"{term}__slug", f"{term}__name", getattr(params, facet))
    tags = (
        TaggedItem.objects.filter(
            content_type__app_label="content",
            content_type__model="asset",
            object_id__in=_base(result, user, "tag").values("pk"),
        )
        .values("tag__name")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")[:TAG_FACET_SIZE]
    )
    facets["tag"] = _rows(tags, "tag__name", "tag__name", params.tag)
    if can(user, "view_unpublished_assets"):
        labels = dict(AssetStatus.choices)
        statuses = _base(result, user, "status").order_by().values("status").annotate(n=Count("pk"))
        facets["status"] = [
            {
                "value": row["status"],
                "label": labels.get(row["status"], row["status"]),
                "count": row["n"],
                "active": row["status"] == params.status,
            }
            for row in sorted(statuses, key=lambda r: list(labels).index(r["status"]))
        ]
    return facets
