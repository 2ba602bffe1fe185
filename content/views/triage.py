"""Marketing's triage board: the open requests in status columns, the closed ones behind a disclosure
that loads them when opened, and on each card one primary action (the next step of the workflow)
with the rest in a menu.

An action taken on the board (htmx) answers with the card and out-of-band swaps: the card moves to
its new column at once, every column count is updated, and a status line says what happened.
Without JavaScript the same forms post and redirect back with a message. The rules live in
content.requesting; the board only shows them.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..form_fields import row_id
from ..models import ContentRequest, RequestPriority, RequestStatus
from ..permissions import require
from ..requesting import RequestError, by_urgency, request_assign, request_set_priority, request_transition
from ..requesting.filters import RequestFilterSet
from ..requesting.forms import AssignForm, PriorityForm, TransitionForm, marketers
from ..requesting.picker import option_label, suggested_assets, suggested_originals
from .navigation import safe_next
from .requests import decorate, figured

CARDS_PER_COLUMN = 25
CLOSED_PER_PAGE = 10
CLOSED_STATUSES = (RequestStatus.DELIVERED, RequestStatus.DECLINED, RequestStatus.DUPLICATE)
OPEN_COLUMNS = [
    ("new", "New", (RequestStatus.NEW,)),
    ("triaged", "Triaged", (RequestStatus.TRIAGED,)),
    ("accepted", "Accepted", (RequestStatus.ACCEPTED,)),
    ("in_progress", "In progress", (RequestStatus.IN_PROGRESS,)),
]
COLUMNS = [*OPEN_COLUMNS, ("closed", "Closed", CLOSED_STATUSES)]
COLUMN_OF = {status: (key, label) for key, label, statuses in COLUMNS for status in statuses}


def _filterset(request, params, assignees=None):
    return RequestFilterSet(params, queryset=ContentRequest.objects.all(), request=request, assignees=assignees or [])


def _column_counts(base) -> dict[str, int]:
    """Requests per column, in one query."""
    by_status = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    return {key: sum(by_status.get(s, 0) for s in statuses) for key, _, statuses in COLUMNS}


@require("triage_requests")
def request_triage(request):
    """The board. Queries, whatever the number of requests: the counts by status 1, four open
    columns 4 (each capped at CARDS_PER_COLUMN cards), the marketers for the filter and the assign
    selects 1, stages, personas and competitors for the filters 3. Closed cards load on demand."""
    assignees = list(marketers())
    filterset = _filterset(request, request.GET, assignees)
    filter_errors = {} if filterset.is_valid() else filterset.errors
    base = ContentRequest.objects.none() if filter_errors else filterset.qs
    counts = _column_counts(base)
    today = timezone.localdate()
    columns = []
    for key, label, statuses in OPEN_COLUMNS:
        cards = by_urgency(figured(base.filter(status__in=statuses), request.user))[:CARDS_PER_COLUMN]
        columns.append({"key": key, "label": label, "cards": [decorate(c, today) for c in cards], "total": counts[key]})
    return render(
        request,
        "requests/triage.html",
        {
            "columns": columns,
            "closed_total": counts["closed"],
            "all_columns": [(key, label, counts[key]) for key, label, _ in COLUMNS],
            "filterset": filterset,
            "filter_query": request.GET.urlencode(),
            "assignees": assignees,
            "priorities": RequestPriority.choices,
            "cards_per_column": CARDS_PER_COLUMN,
            "sla_days": settings.REQUEST_TRIAGE_SLA_DAYS,
            "filter_errors": filter_errors,
        },
        status=400 if filter_errors else 200,
    )


@require_GET
@require("triage_requests")
def request_triage_closed(request):
    """The closed requests of the board (its filters apply), latest change first, CLOSED_PER_PAGE
    at a time: the cards the board's Closed disclosure loads (htmx), or a page of their own."""
    filterset = _filterset(request, request.GET)
    if not filterset.is_valid():
        return render(request, "requests/triage_closed.html", {"filter_errors": filterset.errors}, status=400)
    closed = figured(filterset.qs.filter(status__in=CLOSED_STATUSES), request.user).order_by("-updated_at", "-id")
    page = Paginator(closed, CLOSED_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for card in page:
        decorate(card, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filter_query": query.urlencode(), "remaining": page.paginator.count - page.end_index()}
    template = "requests/_closed_cards.html" if request.htmx else "requests/triage_closed.html"
    return render(request, template, context)


def _apply(request, request_obj, action) -> str:
    """Run one board action through the services; returns what to say, raises RequestError."""
    if action == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise RequestError("Pick a marketer to assign.")
        request_assign(request=request_obj, actor=request.user, assignee=form.cleaned_data["assignee"])
        return "Assignment saved."
    if action == "priority":
        form = PriorityForm(request.POST)
        if not form.is_valid():
            raise RequestError("Pick a priority.")
        request_set_priority(request=request_obj, actor=request.user, priority=form.cleaned_data["priority"])
        return "Priority saved."
    if action == "transition":
        form = TransitionForm(request.POST, request_pk=request_obj.pk)
        if not form.is_valid():
            raise RequestError(" ".join(e for errors in form.errors.values() for e in errors))
        moved = request_transition(
            request=request_obj,
            actor=request.user,
            to_status=request.POST.get("to_status", ""),
            **form.cleaned_data,
        )
        return f"Now {moved.get_status_display().lower()}."
    raise Http404("No such action.")


@require_POST
@require("triage_requests")
def request_triage_action(request, pk, action):
    """assign / priority / transition. On the board (htmx) the answer moves the card and updates
    the counts; a plain form post redirects back (`next`) with a message."""
    request_obj = get_object_or_404(ContentRequest.objects.select_related("requester"), pk=pk)
    was = request_obj.status
    error = done = ""
    try:
        done = _apply(request, request_obj, action)
    except RequestError as exc:
        error = exc.text
    if request.htmx:
        return _board_update(request, pk, was, error, done)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("request-detail", args=[pk])))


def _board_filters(request) -> QueryDict:
    """The filters of the board the action came from: the query of its `next`, when that is the board."""
    target = safe_next(request, "")
    if urlsplit(target).path != reverse("request-triage"):
        return QueryDict()
    return QueryDict(urlsplit(target).query)


def _board_update(request, pk, was, error, done):
    """The card, in place when it stays in its column, out of band at the top of its new column
    when it moved (the swap of the old one with nothing removes it), or gone when it no longer
    matches the board's filters; and every column count. Queries: the filters' lookups, the card 1,
    the counts 1, the marketers for its selects 1."""
    filterset = _filterset(request, _board_filters(request))
    base = filterset.qs if filterset.is_valid() else ContentRequest.objects.all()
    card = figured(base, request.user).filter(pk=pk).first()
    counts = _column_counts(base)
    from_key, from_label = COLUMN_OF[was]
    moved_to = None
    if card is None:
        announcement = f"Request #{pk}: {done or error} It no longer matches the filters of the board."
    else:
        decorate(card)
        to_key, to_label = COLUMN_OF[card.status]
        if to_key != from_key:
            moved_to = to_key
            done = f"{done} Moved from {from_label}."
            announcement = f"Request #{pk} moved from {from_label} to {to_label}."
        else:
            announcement = f"Request #{pk}: {error or done}"
    return render(
        request,
        "requests/_board_update.html",
        {
            "card": card,
            "r": card,
            "moved_to": moved_to,
            "error": error,
            "done": done,
            "counts": counts,
            "announcement": announcement,
            "assignees": list(marketers()) if card is not None and card.is_open else [],
            "priorities": RequestPriority.choices,
            "next_url": safe_next(request, reverse("request-triage")),
        },
    )


@require_GET
@require("triage_requests")
def request_lookup(request):
    """<option>s for the duplicate picker ("#12 Title"): requests by number or title words, open
    ones first, never the request itself (`exclude`) nor a duplicate."""
    typed = request.GET.get("q") or request.GET.get("duplicate_of", "")
    exclude = request.GET.get("exclude", "")
    found = suggested_originals(typed, exclude=row_id(exclude))
    return render(request, "requests/_options.html", {"options": [option_label(r) for r in found]})


@require_GET
@require("triage_requests")
def asset_lookup(request):
    """<option>s for the deliver picker ("#7 Title"): published assets by number or title words."""
    typed = request.GET.get("q") or request.GET.get("delivered_asset", "")
    return render(request, "requests/_options.html", {"options": [option_label(a) for a in suggested_assets(typed)]})


urlpatterns = [
    path("requests/triage/", request_triage, name="request-triage"),
    path("requests/triage/closed/", request_triage_closed, name="request-triage-closed"),
    path("requests/lookup/", request_lookup, name="request-lookup"),
    path("requests/asset-lookup/", asset_lookup, name="request-asset-lookup"),
    path("requests/<int:pk>/triage/<slug:action>/", request_triage_action, name="request-triage-action"),
]
