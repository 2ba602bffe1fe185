"""Adoption: per rep, how much of their work is backed by logged content."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce

from ..models import ContentRequest, Deal, DealStatus, supports_deal
from ..permissions import SALES
from . import scope
from .base import TITLES, Column, Report, chart, order_by_for, sliced
from .stats import ratio

COLUMNS = [
    Column("username", "Username", page=False),
    Column("rep", "Rep"),
    Column("deals_worked", "Deals worked", "int"),
    Column("deals_with_content", "Deals with content logged", "int"),
    Column("content_share", "Share of deals with content", "percent"),
    Column("uses", "Uses", "int"),
    Column("links_sent", "Tracked links sent", "int"),
    Column("requests", "Requests submitted", "int"),
    Column("won_deals", "Won deals", "int"),
    Column("won_with_content", "Won with content", "int"),
]

IDLE_LISTED = 8  # reps rarely using the library named on the page; the count covers them all
RARELY = 4  # "rarely": content in fewer than one deal in RARELY of the deals worked

NOTES = [
    "Reps are the users in the Sales group. Deals worked: deals the rep owns that are open, or closed in the period.",
    "Deals with content logged: of those, deals with at least one use of any asset logged (by anyone) in them.",
    "Uses: uses the rep logged in the period, and buyers' views of the links the rep sent (source tells them "
    "apart). Tracked links sent: share links the rep created in the period. Requests submitted: content "
    "requests the rep filed in the period.",
    "Won with content: won deals closed in the period with a use logged on or before the close date. "
    "The share of won deals with content (in the totals) is over every won deal closed in the period.",
    "Kind and stage narrow the uses counted; kind also narrows links to those holding an asset of that kind "
    "(a link has no stage); persona and competitor narrow deals, uses and links to deals with them; owner "
    "shows one rep.",
    "Reps rarely using the library: no use in the period (none logged, no link of theirs opened), or "
    "content logged in fewer than a quarter of the deals they worked.",
]


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(_g=Value(1)).values("_g").annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def adoption_report(filters) -> Report:
    # Queries: totals; rep count with every rep's links sent; per-rep page; reps without a use (4).
    rep = OuterRef("pk")
    uses = scope.usages(filters, by_owner=False)
    content_uses = scope.usages(filters, in_period=False, by_owner=False)
    worked = Deal.objects.filter(
        Q(status=DealStatus.OPEN) | Q(close_date__gte=filters.start, close_date__lte=filters.end)
    ).filter(*scope._deal_has(filters, "pk"))
    won = scope.closed_deals(filters, owner=False).filter(status=DealStatus.WON)
    with_content = Exists(content_uses.filter(deal_id=OuterRef("pk")))
    supported = Exists(content_uses.filter(supports_deal(OuterRef("close_date")), deal_id=OuterRef("pk")))
    links = scope.share_links(filters)
    reps = get_user_model().objects.filter(groups__name=SALES, is_active=True).order_by()
    if filters.owner:
        reps = reps.filter(pk=filters.owner.pk)
    annotated = reps.annotate(
        deals_worked=_count(worked.filter(owner_id=rep)),
        deals_with_content=_count(worked.filter(with_content, owner_id=rep)),
        uses=_count(uses.filter(user_id=rep)),
        links_sent=_count(links.filter(created_by_id=rep)),
        submitted=_count(
            ContentRequest.objects.filter(
                requester_id=rep, created_at__gte=filters.start_at, created_at__lt=filters.end_before
            )
        ),
        won_deals=_count(won.filter(owner_id=rep)),
        won_with_content=_count(won.filter(supported, owner_id=rep)),
    )
    sortable = {
        key: (F(key), F("username").asc())
        for key in ("deals_worked", "deals_with_content", "uses", "links_sent", "won_deals", "won_with_content")
    }
    sortable["requests"] = (F("submitted"), F("username").asc())
    sortable["username"] = (F("username"), F("pk").asc())
    sort, direction, ordering = order_by_for(filters, sortable, "uses")
    page = sliced(
        annotated.values(
            "username",
            "first_name",
            "last_name",
            "deals_worked",
            "deals_with_content",
            "uses",
            "links_sent",
            "submitted",
            "won_deals",
            "won_with_content",
        ).order_by(*ordering),
        filters,
    )
    rows = []
    for row in page:
        full = f"{row.pop('first_name')} {row.pop('last_name')}".strip()
        rows.append(
            {
                "username": row["username"],
                "rep": full or row["username"],
                **{k: row[k] for k in ("deals_worked", "deals_with_content")},
                "content_share": ratio(row["deals_with_content"], row["deals_worked"]),
                "uses": row["uses"],
                "links_sent": row["links_sent"],
                "requests": row["submitted"],
                "won_deals": row["won_deals"],
                "won_with_content": row["won_with_content"],
            }
        )
    won_all = won.filter(owner_id=filters.owner.pk) if filters.owner else won
    totals = won_all.aggregate(won_deals=Count("id"), won_with_content=Count("id", filter=Q(supported)))
    totals["won_with_content_share"] = ratio(totals["won_with_content"], totals["won_deals"])
    # The reps and the links they sent, in one query.
    totals.update(
        reps.annotate(sent=_count(links.filter(created_by_id=rep))).aggregate(reps=Count("pk"), links_sent=Sum("sent"))
    )
    totals["links_sent"] = totals["links_sent"] or 0
    # The reps who rarely use the library: no use in the period, or content in fewer than a quarter
    # of the deals they worked. How many, and the first of them by name (one query).
    idle = list(
        annotated.annotate(backed=F("deals_with_content") * RARELY)
        .filter(Q(uses=0) | Q(backed__lt=F("deals_worked")))
        .annotate(idle_total=Window(Count("pk")))
        .values("username", "first_name", "last_name", "uses", "deals_worked", "deals_with_content", "idle_total")
        .order_by("last_name", "first_name", "username")[:IDLE_LISTED]
    )
    totals["reps_rarely_using"] = idle[0]["idle_total"] if idle else 0
    return Report(
        name="adoption",
        title=TITLES["adoption"],
        description="Per rep: deals worked, deals backed by logged content, uses, links sent and requests.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        row_count=totals["reps"],
        sort=sort,
        direction=direction,
        chart=chart(
            "bar",
            [row["rep"] for row in rows[:20]],
            [
                ("Deals worked", [row["deals_worked"] for row in rows[:20]]),
                ("Deals with content logged", [row["deals_with_content"] for row in rows[:20]]),
            ],
            title="Deals worked and deals with content logged, per rep",
            x_label="Rep",
            y_label="Deals",
        ),
        notes=NOTES,
        extra={
            "idle_reps": [
                (
                    f"{r['first_name']} {r['last_name']}".strip() or r["username"],
                    "no use in the period"
                    if not r["uses"]
                    else f"content in {r['deals_with_content']} of {r['deals_worked']} deals",
                )
                for r in idle
            ]
        },
    )
