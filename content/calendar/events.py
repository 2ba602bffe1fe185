"""Calendar events: what is planned, published, due for review or requested in a date range, each
asset with its won-deal support and state. One query per event type at most."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..models import Asset, AssetStatus, ContentRequest, RequestStatus, Usage
from ..money import format_amounts
from ..names import person_name
from ..permissions import can, visible_assets

EVENT_TYPES = ("planned", "published", "review", "request")
EVENT_STATES = ("supports_won", "used_no_wins", "unused", "planned", "requested", "scheduled")
# The order events of one day are listed in.
_TYPE_ORDER = {name: index for index, name in enumerate(EVENT_TYPES)}
CALENDAR_REQUEST_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)

STATE_LABELS = {
    "used_no_wins": "used, no wins yet",
    "unused": "unused since publishing",
    "planned": "planned",
    "requested": "requested",
    "scheduled": "not live yet",
}
# The columns an event needs: bodies and extracted file text stay in the database.
_ASSET_FIELDS = (
    "id",
    "title",
    "kind",
    "status",
    "planned_publish_date",
    "published_at",
    "review_by",
    "won_deal_count",
    "influenced_revenue",
    "influenced_revenue_by_currency",
    "owner__id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
TYPE_LABELS = {"planned": "Planned", "published": "Published", "review": "Review due", "request": "Needed by"}


def compact_money(totals: dict) -> str:
    """$840, $84k, $3k · €1.2M: per currency, short enough for a badge in a day cell."""
    return format_amounts(totals, short=True)


@dataclass(frozen=True)
class CalendarFilters:
    kind: str = ""
    stage: str = ""
    persona: str = ""
    competitor: str = ""
    owner: int | None = None  # a user id, resolved from the username by content.calendar.filters

    @property
    def active(self) -> bool:
        return any((self.kind, self.stage, self.persona, self.competitor, self.owner))


@dataclass(frozen=True)
class CalendarEvent:
    type: str  # planned | published | review | request
    date: datetime.date
    title: str
    asset_id: int | None = None
    request_id: int | None = None
    kind: str = ""
    kind_label: str = ""
    owner: str = ""
    won_deals: int | None = None
    influenced_revenue: Decimal | None = None  # in the reporting currency
    influenced_revenue_by_currency: dict = field(default_factory=dict, hash=False)
    state: str = ""  # supports_won | used_no_wins | unused | planned | requested | scheduled
    url: str = ""

    @property
    def uid(self) -> str:
        """Stable across feed refreshes, so calendar programs update an event instead of duplicating it."""
        if self.asset_id is not None:
            return f"asset-{self.asset_id}-{self.type}@enablement"
        return f"request-{self.request_id}-needed@enablement"

    @property
    def type_label(self) -> str:
        if self.type == "published" and self.state == "scheduled":
            return "Goes live"
        return TYPE_LABELS[self.type]

    @property
    def state_label(self) -> str:
        if self.state == "supports_won":
            return f"✓ supports {self.won_deals} won · {compact_money(self.influenced_revenue_by_currency)}"
        return STATE_LABELS.get(self.state, self.state)

    @property
    def is_asset(self) -> bool:
        return self.asset_id is not None


def _request_url(pk) -> str:
    try:
        return reverse("request-detail", args=[pk])
    except NoReverseMatch:  # the requests area is not installed
        return ""


def _day_bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes [start 00:00, end+1 00:00) in the site's time zone: an index-friendly range."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _filter_assets(queryset, filters: CalendarFilters):
    # Exists rather than joins: an asset tagged with two matching terms must not appear twice.
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    for relation, slug in (
        ("stages", filters.stage),
        ("personas", filters.persona),
        ("competitors", filters.competitor),
    ):
        if slug:
            through = Asset._meta.get_field(relation).remote_field.through
            target = f"{Asset._meta.get_field(relation).m2m_reverse_field_name()}__slug"
            tagged = through.objects.filter(asset_id=OuterRef("pk"), **{target: slug})
            queryset = queryset.filter(Exists(tagged))
    return queryset


def _filter_requests(queryset, filters: CalendarFilters):
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.owner:
        queryset = queryset.filter(assignee_id=filters.owner)
    if filters.stage:
        queryset = queryset.filter(stage__slug=filters.stage)
    if filters.persona:
        queryset = queryset.filter(persona__slug=filters.persona)
    if filters.competitor:
        queryset = queryset.filter(competitor__slug=filters.competitor)
    return queryset


def with_use_since_publishing(queryset):
    """Annotate `used_since_publishing`: a use logged at or after the asset was published."""
    return queryset.annotate(
        used_since_publishing=Exists(
            Usage.objects.filter(asset_id=OuterRef("pk"), used_at__gte=OuterRef("published_at"))
        )
    )


def support_state(asset) -> str:
    """scheduled (published with a release date still ahead: reps cannot open it yet), else
    supports_won / used_no_wins / unused, from the stored figures and the SQL-computed
    `used_since_publishing` annotation (usage_count alone would count uses in pre-release pilots)."""
    if asset.published_at and asset.published_at > timezone.now():
        return "scheduled"
    if asset.won_deal_count:
        return "supports_won"
    if asset.used_since_publishing:
        return "used_no_wins"
    return "unused"


def _asset_event(asset, event_type, date, state) -> CalendarEvent:
    published = state not in ("planned", "scheduled")
    return CalendarEvent(
        type=event_type,
        date=date,
        title=asset.title,
        asset_id=asset.pk,
        kind=asset.kind,
        kind_label=asset.get_kind_display(),
        owner=person_name(asset.owner),
        won_deals=asset.won_deal_count if published else 0,
        influenced_revenue=asset.influenced_revenue if published else Decimal("0.00"),
        influenced_revenue_by_currency=asset.influenced_revenue_by_currency if published else {},
        state=state,
        url=asset.get_absolute_url(),
    )


def calendar_events(
    *, user, start: datetime.date, end: datetime.date, filters: CalendarFilters | None = None
) -> list[CalendarEvent]:
    """The events `user` may see between `start` and `end` (inclusive), by date.

    At most one query per event type: planned drafts (marketers and managers only), publications,
    review-by dates, and accepted or in-progress requests by needed-by date.
    """
    filters = filters or CalendarFilters()
    if not can(user, "view_calendar"):
        return []
    events: list[CalendarEvent] = []

    if can(user, "view_unpublished_assets"):
        planned = (
            _filter_assets(
                Asset.objects.filter(
                    status__in=[AssetStatus.DRAFT, AssetStatus.IN_REVIEW], planned_publish_date__range=(start, end)
                ),
                filters,
            )
            .select_related("owner")
            .only(*_ASSET_FIELDS)
            .order_by("planned_publish_date", "title", "pk")
        )
        events += [_asset_event(a, "planned", a.planned_publish_date, "planned") for a in planned]

    shown = with_use_since_publishing(
        _filter_assets(visible_assets(user).published(), filters).select_related("owner").only(*_ASSET_FIELDS)
    )
    low, high = _day_bounds(start, end)
    published = shown.filter(published_at__gte=low, published_at__lt=high)
    for asset in published.order_by("published_at", "pk"):
        day = timezone.localdate(asset.published_at)
        events.append(_asset_event(asset, "published", day, support_state(asset)))
    due = shown.filter(review_by__range=(start, end)).order_by("review_by", "pk")
    events += [_asset_event(a, "review", a.review_by, support_state(a)) for a in due]

    requests = (
        _filter_requests(
            ContentRequest.objects.filter(status__in=CALENDAR_REQUEST_STATUSES, needed_by__range=(start, end)),
            filters,
        )
        .select_related("assignee")
        .only(
            "id",
            "title",
            "kind",
            "needed_by",
            "assignee__id",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .order_by("needed_by", "pk")
    )
    # The plan is shared, so every role sees these titles; only those who may open any request get a link.
    link_requests = can(user, "view_all_requests")
    for item in requests:
        events.append(
            CalendarEvent(
                type="request",
                date=item.needed_by,
                title=item.title,
                request_id=item.pk,
                kind=item.kind,
                kind_label=item.get_kind_display() if item.kind else "Request",
                owner=person_name(item.assignee),
                state="requested",
                url=_request_url(item.pk) if link_requests else "",
            )
        )

    events.sort(key=lambda e: (e.date, _TYPE_ORDER[e.type], e.title.lower(), e.asset_id or e.request_id))
    return events
