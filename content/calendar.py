"""The shared content calendar: what is planned, what shipped, what is due for review and which
requests are needed when, each asset with its won-deal support. One selector (`calendar_events`)
feeds the page, the JSON API and the iCalendar feed; planning writes go through the services below.
"""

import calendar as stdlib_calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Asset, AssetKind, AssetStatus, CalendarFeed, ContentRequest, RequestStatus, Usage
from .permissions import can, is_marketer, visible_assets

EVENT_TYPES = ("planned", "published", "review", "request")
EVENT_STATES = ("supports_won", "used_no_wins", "unused", "planned", "requested")
# The order events of one day are listed in.
_TYPE_ORDER = {name: index for index, name in enumerate(EVENT_TYPES)}
CALENDAR_REQUEST_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)
MAX_RANGE_DAYS = 366
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

STATE_LABELS = {
    "used_no_wins": "used, no wins yet",
    "unused": "unused since publishing",
    "planned": "planned",
    "requested": "requested",
}
# The columns an event needs: bodies and extracted file text stay in the database.
_ASSET_FIELDS = (
    "id", "title", "kind", "status", "planned_publish_date", "published_at", "review_by",
    "won_deal_count", "influenced_revenue",
    "owner__id", "owner__username", "owner__first_name", "owner__last_name",
)
TYPE_LABELS = {"planned": "Planned", "published": "Published", "review": "Review due", "request": "Needed by"}


def compact_money(amount) -> str:
    """$840, $84k, $1.2M: short enough for a badge in a day cell."""
    amount = Decimal(amount or 0)
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M".replace(".0M", "M")
    if amount >= 1_000:
        return f"${amount / 1_000:.0f}k"
    return f"${amount:.0f}"


@dataclass(frozen=True)
class CalendarFilters:
    kind: str = ""
    stage: str = ""
    persona: str = ""
    competitor: str = ""
    owner: int | None = None

    @classmethod
    def from_params(cls, params) -> "CalendarFilters":
        """Read the filters from a query dict; ValueError with a readable message when one is malformed."""
        kind = (params.get("kind") or "").strip()
        if kind and kind not in AssetKind.values:
            raise ValueError(f"Unknown kind {kind!r}; use one of: {', '.join(AssetKind.values)}.")
        owner = (params.get("owner") or "").strip()
        if owner and not owner.isdigit():
            raise ValueError("owner must be a user id (a whole number).")
        return cls(
            kind=kind,
            stage=(params.get("stage") or "").strip()[:100],
            persona=(params.get("persona") or "").strip()[:100],
            competitor=(params.get("competitor") or "").strip()[:100],
            owner=int(owner) if owner else None,
        )

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
    influenced_revenue: Decimal | None = None
    state: str = ""  # supports_won | used_no_wins | unused | planned | requested
    url: str = ""

    @property
    def uid(self) -> str:
        """Stable across feed refreshes, so calendar programs update an event instead of duplicating it."""
        if self.asset_id is not None:
            return f"asset-{self.asset_id}-{self.type}@enablement"
        return f"request-{self.request_id}-needed@enablement"

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    @property
    def state_label(self) -> str:
        if self.state == "supports_won":
            return f"✓ supports {self.won_deals} won · {compact_money(self.influenced_revenue)}"
        return STATE_LABELS.get(self.state, self.state)

    @property
    def is_asset(self) -> bool:
        return self.asset_id is not None


def _display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


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
    for relation, slug in (("stages", filters.stage), ("personas", filters.persona),
                           ("competitors", filters.competitor)):
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
    """supports_won / used_no_wins / unused, from the stored figures and the SQL-computed
    `used_since_publishing` annotation (usage_count alone would count uses in pre-release pilots)."""
    if asset.won_deal_count:
        return "supports_won"
    if asset.used_since_publishing:
        return "used_no_wins"
    return "unused"


def _asset_event(asset, event_type, date, state) -> CalendarEvent:
    published = state != "planned"
    return CalendarEvent(
        type=event_type,
        date=date,
        title=asset.title,
        asset_id=asset.pk,
        kind=asset.kind,
        kind_label=asset.get_kind_display(),
        owner=_display_name(asset.owner),
        won_deals=asset.won_deal_count if published else 0,
        influenced_revenue=asset.influenced_revenue if published else Decimal("0.00"),
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
        planned = _filter_assets(
            Asset.objects.filter(status__in=[AssetStatus.DRAFT, AssetStatus.IN_REVIEW],
                                 planned_publish_date__range=(start, end)),
            filters,
        ).select_related("owner").only(*_ASSET_FIELDS).order_by("planned_publish_date", "title", "pk")
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

    requests = _filter_requests(
        ContentRequest.objects.filter(status__in=CALENDAR_REQUEST_STATUSES, needed_by__range=(start, end)),
        filters,
    ).select_related("assignee").only(
        "id", "title", "kind", "needed_by",
        "assignee__id", "assignee__username", "assignee__first_name", "assignee__last_name",
    ).order_by("needed_by", "pk")
    # The plan is shared, so every role sees these titles; only those who may open any request get a link.
    link_requests = can(user, "view_all_requests")
    for item in requests:
        events.append(CalendarEvent(
            type="request",
            date=item.needed_by,
            title=item.title,
            request_id=item.pk,
            kind=item.kind,
            kind_label=item.get_kind_display() if item.kind else "Request",
            owner=_display_name(item.assignee),
            state="requested",
            url=_request_url(item.pk) if link_requests else "",
        ))

    events.sort(key=lambda e: (e.date, _TYPE_ORDER[e.type], e.title.lower(), e.asset_id or e.request_id))
    return events


# --- Month arithmetic and the grid ---------------------------------------------------------------

def month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, stdlib_calendar.monthrange(year, month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None, today: datetime.date | None = None) -> datetime.date:
    """`YYYY-MM` → the first day of that month (today's month when empty); ValueError otherwise."""
    today = today or timezone.localdate()
    if not value:
        return today.replace(day=1)
    try:
        parsed = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, for example 2026-03.") from None
    if not 1900 <= parsed.year <= 9998:
        raise ValueError("The month must fall between 1900 and 9998.")
    return parsed


def parse_date_range(start: str | None, end: str | None) -> tuple[datetime.date, datetime.date]:
    """Validate `start` and `end` (YYYY-MM-DD, inclusive, at most a year apart); ValueError otherwise."""
    if not start or not end:
        raise ValueError("Both start and end are required, as YYYY-MM-DD.")
    parsed = []
    for name, value in (("start", start), ("end", end)):
        try:
            parsed.append(datetime.date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else None)
        except ValueError:
            parsed.append(None)
        if parsed[-1] is None:
            raise ValueError(f"{name} must be a date written as YYYY-MM-DD.")
    low, high = parsed
    if high < low:
        raise ValueError("end must not be before start.")
    if (high - low).days >= MAX_RANGE_DAYS:
        raise ValueError(f"The range may span at most {MAX_RANGE_DAYS} days.")
    return low, high


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)
    overflow: int = 0  # events beyond what a day cell lists


def grid_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The Monday before (or on) the 1st and the Sunday after (or on) the last day of the month."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_grid(year: int, month: int, events) -> list[list[CalendarDay]]:
    """Weeks × days, Monday first; the days of neighbouring months that fill the first and last
    weeks are included (marked `in_month=False`) with their events."""
    today = timezone.localdate()
    by_date: dict[datetime.date, list] = {}
    for event in events:
        by_date.setdefault(event.date, []).append(event)
    return [
        [CalendarDay(day, day.month == month, day == today, by_date.get(day, [])) for day in week]
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


@dataclass(frozen=True)
class MonthSummary:
    published: int
    supports_won: int
    used_no_wins: int
    unused: int
    planned: int
    reviews_due: int
    requests_due: int


def month_summary(events, year: int | None = None, month: int | None = None) -> MonthSummary:
    """How the month's published assets fare: how many support won deals, were used without a win
    yet, or are unused since publishing; plus what is planned, due for review and requested."""
    if year is not None and month is not None:
        events = [e for e in events if (e.date.year, e.date.month) == (year, month)]
    states = {}
    for event in events:
        if event.type == "published":
            states[event.asset_id] = event.state
    values = list(states.values())
    return MonthSummary(
        published=len(values),
        supports_won=values.count("supports_won"),
        used_no_wins=values.count("used_no_wins"),
        unused=values.count("unused"),
        planned=len({e.asset_id for e in events if e.type == "planned"}),
        reviews_due=len({e.asset_id for e in events if e.type == "review"}),
        requests_due=len({e.request_id for e in events if e.type == "request"}),
    )


# --- Planning ------------------------------------------------------------------------------------

def _check_planned_date(planned_date, *, field_name="planned_date"):
    if not isinstance(planned_date, datetime.date) or isinstance(planned_date, datetime.datetime):
        raise ValidationError({field_name: "Enter a date."})
    if planned_date < timezone.localdate():
        raise ValidationError({field_name: "The planned date cannot be in the past."})


@transaction.atomic
def calendar_plan_asset(*, actor, title: str, kind: str, owner, planned_date: datetime.date) -> Asset:
    """Create a draft asset planned for `planned_date`, owned by a marketer."""
    if not can(actor, "plan_calendar"):
        raise PermissionDenied("Only marketing plans the calendar.")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the asset a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if kind not in AssetKind.values:
        errors["kind"] = "Choose a kind of asset."
    if owner is None or not owner.is_active or not is_marketer(owner):
        errors["owner"] = "The owner must be an active marketer."
    try:
        _check_planned_date(planned_date)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    asset = Asset(
        title=title, kind=kind, owner=owner, status=AssetStatus.DRAFT, planned_publish_date=planned_date
    )
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def calendar_reschedule(*, actor, asset: Asset, planned_date: datetime.date) -> Asset:
    """Move a planned (draft or in-review) asset to another planned date."""
    if not can(actor, "plan_calendar"):
        raise PermissionDenied("Only marketing plans the calendar.")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status not in (AssetStatus.DRAFT, AssetStatus.IN_REVIEW):
        status = asset.get_status_display().lower()
        raise ValidationError(
            {"planned_date": f"Only draft or in-review assets can be rescheduled; this one is {status}."}
        )
    _check_planned_date(planned_date)
    asset.planned_publish_date = planned_date
    asset.save(update_fields=["planned_publish_date", "updated_at"])
    return asset


def planning_owners():
    """Who may own a planned asset: active marketers."""
    return get_user_model().objects.filter(is_active=True, groups__name="Marketing").order_by(
        "first_name", "last_name", "username"
    ).distinct()


# --- The iCalendar subscription ------------------------------------------------------------------

def calendar_feed_for(user) -> CalendarFeed:
    """The user's feed secret, created the first time they look at it."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret for the user's own feed: the old subscription URL stops working at once."""
    feed = calendar_feed_for(user)
    feed.reset()
    return feed


def feed_owner(secret: str):
    """The active user a feed secret belongs to, or None (unknown secret, inactive or roleless owner)."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None or not feed.user.is_active or not can(feed.user, "view_calendar"):
        return None
    return feed.user


def feed_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The feed covers the past three months and the next six (whole months)."""
    today = today or timezone.localdate()
    start = add_months(today, -3)
    end = add_months(today, 7) - datetime.timedelta(days=1)
    return start, end
