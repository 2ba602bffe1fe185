"""Reads over content requests: the figures every list shows (supporters, business impact, SLA
clock), who may read which request, and the matches offered while a rep types a new request."""

import re
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import OPEN_REQUEST_STATUSES, ContentRequest, Deal, DealStatus, RequestSupport
from ..money import by_currency, reporting_currency
from ..permissions import can, deal_visibility, visible_deals, visible_requests
from ..search import SearchParams, search_assets
from .sla import sla_annotations

MONEY = DecimalField(max_digits=16, decimal_places=2)


def _scalar(queryset, expression, output_field):
    """A one-value subquery: the aggregate of `queryset`, grouped by nothing."""
    return Subquery(
        queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(v=expression).values("v")[:1],
        output_field=output_field,
    )


def supported_deals_beyond_own(viewer=None):
    """One +1 per distinct open deal of a request's supporters, leaving out the request's own deal
    (counted apart). Driven by the supports index of the outer request row: two supporters on the
    same deal count it once (only the earliest support of a deal is kept). COALESCE because a
    request may have no deal of its own, and `deal_id <> NULL` would drop every row."""
    earlier_same_deal = RequestSupport.objects.filter(
        request_id=OuterRef("request_id"), deal_id=OuterRef("deal_id"), id__lt=OuterRef("id")
    )
    supports = (
        RequestSupport.objects.filter(
            request_id=OuterRef("pk"), deal__status=DealStatus.OPEN, deal__currency=reporting_currency()
        )
        .filter(~Q(deal_id=Coalesce(OuterRef("deal_id"), Value(0))))
        .filter(~Exists(earlier_same_deal))
    )
    return supports if viewer is None else supports.filter(deal_visibility(viewer, "deal__"))


def with_figures(queryset, today=None, *, viewer=None):
    """Annotate supporters_count, business_impact and the SLA clock; one query whatever the rows.

    Business impact = the request's own deal if open + the other open deals of its +1s, each
    deal once, in the reporting currency (amounts are never added across currencies): two cheap
    index lookups per row instead of one OR over both sources. With a
    `viewer`, only the deals the viewer may open count: a rep reading another rep's request
    learns nothing of that rep's deals."""
    request_ref = OuterRef("pk")
    own_open = Q(deal__status=DealStatus.OPEN, deal__currency=reporting_currency())
    if viewer is not None:
        own_open &= deal_visibility(viewer, "deal__")
    own_deal = Case(
        When(own_open, then=F("deal__amount")),
        default=Value(Decimal("0")),
        output_field=MONEY,
    )
    others = Coalesce(
        _scalar(supported_deals_beyond_own(viewer), Sum("deal__amount"), MONEY),
        Value(Decimal("0")),
        output_field=MONEY,
    )
    queryset = queryset.annotate(
        supporters_count=Coalesce(
            _scalar(RequestSupport.objects.filter(request=request_ref), Count("id"), IntegerField()), 0
        ),
        business_impact=ExpressionWrapper(own_deal + others, output_field=MONEY),
    )
    for name, expression in sla_annotations(today).items():
        queryset = queryset.annotate(**{name: expression})
    return queryset


def impact_by_currency(request, viewer) -> dict[str, str]:
    """The business impact of one request in every currency: its own deal and the deals of its
    +1s, each once, open, and visible to the viewer. One query; lists show `business_impact`."""
    supported = RequestSupport.objects.filter(request=request).values("deal_id")
    deals = Deal.objects.open().filter(Q(pk=request.deal_id) | Q(pk__in=supported))
    return by_currency(visible_deals(viewer, deals).values_list("currency", "amount"))


def by_urgency(queryset):
    """Most urgent first: the soonest date to move by (`urgent_by`), then the biggest business impact."""
    return queryset.order_by(F("urgent_by").asc(nulls_last=True), "-business_impact", "-priority", "id")


def for_lists(queryset):
    return queryset.select_related(
        "stage", "persona", "competitor", "deal", "requester", "assignee", "duplicate_of", "delivered_asset"
    )


def readable_requests(user, queryset=None):
    """What a user may open: everything for marketing and managers; for reps their own, those they
    supported, and any other open request (so they can +1 it) but not others' closed ones."""
    queryset = ContentRequest.objects.all() if queryset is None else queryset
    if can(user, "view_all_requests"):
        return queryset
    if not can(user, "submit_request"):
        return queryset.none()
    supported = RequestSupport.objects.filter(request=OuterRef("pk"), user=user)
    return queryset.filter(Q(requester=user) | Q(Exists(supported)) | Q(status__in=OPEN_REQUEST_STATUSES))


def listed_requests(user, queryset=None):
    """What a user's lists show (the API list, "My requests"): see `visible_requests`."""
    queryset = ContentRequest.objects.all() if queryset is None else queryset
    if can(user, "view_all_requests") or not can(user, "submit_request"):
        return visible_requests(user, queryset)
    # The same rule as visible_requests, written with EXISTS so that it needs no DISTINCT.
    supported = RequestSupport.objects.filter(request=OuterRef("pk"), user=user)
    return queryset.filter(Q(requester=user) | Q(Exists(supported)))


def requests_of(user):
    """The user's own requests and those they supported ("My requests"), whatever their role."""
    supported = RequestSupport.objects.filter(request=OuterRef("pk"), user=user)
    return ContentRequest.objects.filter(Q(requester=user) | Q(Exists(supported)))


def _words(text: str, limit: int = 6) -> list[str]:
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) >= 3]
    return list(dict.fromkeys(words))[:limit]


def matching_open_requests(text: str, limit: int = 5, exclude_pk=None, *, viewer=None):
    """Open requests whose title or description share words with `text`, most words first."""
    words = _words(text)
    if not words:
        return ContentRequest.objects.none()
    score = sum(
        (
            Case(
                When(Q(title__icontains=w) | Q(description__icontains=w), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for w in words
        ),
        Value(0),
    )
    any_word = Q()
    for w in words:
        any_word |= Q(title__icontains=w) | Q(description__icontains=w)
    queryset = ContentRequest.objects.open().filter(any_word)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    queryset = with_figures(queryset, viewer=viewer).annotate(match_score=score)
    return queryset.select_related("requester").order_by("-match_score", "-supporters_count", "-id")[:limit]


def suggestions_for(*, user, title: str, limit: int = 5) -> dict:
    """What already answers a request being typed: published assets (the library's search) and
    open requests to +1 instead."""
    title = (title or "").strip()
    if len(title) < 3:
        return {"assets": [], "requests": [], "query": title}
    assets = list(search_assets(user=user, params=SearchParams(q=title))[:limit])
    if not assets:
        # A whole sentence rarely matches verbatim: fall back to its longest words.
        for word in sorted(_words(title), key=len, reverse=True)[:2]:
            assets = list(search_assets(user=user, params=SearchParams(q=word))[:limit])
            if assets:
                break
    requests = list(matching_open_requests(title, limit=limit, viewer=user))
    supported = (
        set(
            RequestSupport.objects.filter(user=user, request__in=[r.pk for r in requests]).values_list(
                "request_id", flat=True
            )
        )
        if requests
        else set()
    )
    for r in requests:
        r.supported_by_me = r.pk in supported
        r.mine = r.requester_id == user.pk
    return {"assets": assets, "requests": requests, "query": title}
