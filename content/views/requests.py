"""The request pages: submit (with matches while typing), "My requests", one request with its
history, and marketing's triage board with in-place actions. The rules live in content.requesting."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import (
    REQUEST_TRANSITIONS,
    Asset,
    AssetStatus,
    ContentRequest,
    Notification,
    RequestEvent,
    RequestPriority,
    RequestStatus,
    RequestSupport,
)
from ..permissions import can, can_view_deal, require
from ..requesting import (
    RequestError,
    SlaState,
    by_urgency,
    for_lists,
    impact_by_currency,
    readable_requests,
    request_assign,
    request_comment,
    request_set_priority,
    request_submit,
    request_support,
    request_transition,
    requests_of,
    suggestions_for,
    with_figures,
)
from ..requesting.filters import RequestFilterSet
from ..requesting.forms import (
    AssignForm,
    CommentForm,
    PriorityForm,
    RequestSubmitForm,
    SupportForm,
    TransitionForm,
    marketers,
)
from .navigation import safe_next

CARDS_PER_COLUMN = 25
BOARD_COLUMNS = [
    ("new", "New", [RequestStatus.NEW]),
    ("triaged", "Triaged", [RequestStatus.TRIAGED]),
    ("accepted", "Accepted", [RequestStatus.ACCEPTED]),
    ("in_progress", "In progress", [RequestStatus.IN_PROGRESS]),
    ("closed", "Closed", [RequestStatus.DELIVERED, RequestStatus.DECLINED, RequestStatus.DUPLICATE]),
]
# Buttons on a card, in the order of the workflow.
TRANSITION_LABELS = {
    RequestStatus.TRIAGED: "Triage",
    RequestStatus.ACCEPTED: "Accept",
    RequestStatus.IN_PROGRESS: "Start",
    RequestStatus.DELIVERED: "Deliver",
    RequestStatus.DECLINED: "Decline",
    RequestStatus.DUPLICATE: "Mark duplicate",
}


def _decorate(request_obj):
    """Template helpers computed in memory: the next statuses and the SLA label."""
    allowed = REQUEST_TRANSITIONS.get(request_obj.status, set())
    request_obj.next_actions = [(s.value, label) for s, label in TRANSITION_LABELS.items() if s in allowed]
    request_obj.sla_label = SlaState.LABELS.get(getattr(request_obj, "sla_state", ""), "")
    return request_obj


def _figured(queryset, viewer):
    return for_lists(with_figures(queryset, viewer=viewer))


@require("submit_request")
def my_requests(request):
    user = request.user
    mine = by_urgency(_figured(requests_of(user), user))
    page = Paginator(mine, 20).get_page(request.GET.get("page"))
    for r in page:
        _decorate(r)
    notifications = list(Notification.objects.filter(user=user).select_related("request")[:10])
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request,
        "requests/my_requests.html",
        {"page": page, "notifications": notifications, "unread": set(unread)},
    )


@require("submit_request")
def request_new(request):
    if request.method == "POST":
        form = RequestSubmitForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                created = request_submit(requester=request.user, **form.cleaned_data)
            except RequestError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Request #{created.pk} submitted. Marketing will triage it by {created.triage_due:%a %d %b}.",
                )
                return redirect(created)
    else:
        initial = {key: request.GET.get(key, "") for key in ("title", "kind", "stage", "persona", "competitor")}
        initial["deal"] = request.GET.get("deal", "")
        form = RequestSubmitForm(initial={k: v for k, v in initial.items() if v}, user=request.user)
    title = form["title"].value() or ""
    return render(
        request,
        "requests/new.html",
        {"form": form, **suggestions_for(user=request.user, title=title)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@require("submit_request")
def request_suggestions(request):
    context = suggestions_for(user=request.user, title=request.GET.get("title", ""))
    return render(request, "requests/_suggestions.html", context)


def _history(request_obj):
    events = RequestEvent.objects.filter(request=request_obj).select_related("actor")
    comments = request_obj.comments.select_related("author")
    items = [("event", e.created_at, e.pk, e) for e in events] + [("comment", c.created_at, c.pk, c) for c in comments]
    return [(kind, item) for kind, _, _, item in sorted(items, key=lambda t: (t[1], t[0], t[2]))]


@require("submit_request")
def request_detail(request, pk):
    request_obj = get_object_or_404(_figured(readable_requests(request.user), request.user), pk=pk)
    _decorate(request_obj)
    supports = list(RequestSupport.objects.filter(request=request_obj).select_related("user", "deal"))
    # Deals the viewer may not open are not named (their amounts are left out of the impact too).
    request_obj.deal_shown = (
        request_obj.deal if request_obj.deal and can_view_deal(request.user, request_obj.deal) else None
    )
    request_obj.impact_by_currency = impact_by_currency(request_obj, request.user)
    for support in supports:
        support.deal_shown = support.deal if support.deal and can_view_deal(request.user, support.deal) else None
    supported = any(s.user_id == request.user.pk for s in supports)
    triager = can(request.user, "triage_requests")
    return render(
        request,
        "requests/detail.html",
        {
            "r": request_obj,
            "supports": supports,
            "supported_by_me": supported,
            "may_support": request_obj.is_open and request_obj.requester_id != request.user.pk and not supported,
            "history": _history(request_obj),
            "comment_form": CommentForm(),
            "support_form": SupportForm(user=request.user),
            "triager": triager,
            # marketing writes the asset that answers an open request, once: then it is "being written"
            "may_create_asset": triager
            and can(request.user, "edit_assets")
            and request_obj.is_open
            and request_obj.delivered_asset_id is None,
            "assignees": list(marketers()) if triager else [],
            "priorities": RequestPriority.choices,
        },
    )


def _readable_or_404(user, pk):
    request_obj = readable_requests(user).filter(pk=pk).select_related("requester").first()
    if request_obj is None:
        raise Http404("No such request.")
    return request_obj


@require_POST
@require("support_request")
def request_support_view(request, pk):
    request_obj = _readable_or_404(request.user, pk)
    form = SupportForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(request_obj)
    try:
        _, created = request_support(request=request_obj, user=request.user, deal=form.cleaned_data["deal"])
    except RequestError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            "+1 recorded: you will hear about every change." if created else "You already support this request.",
        )
    return redirect(request_obj)


@require_POST
@require("comment_request")
def request_comment_view(request, pk):
    request_obj = _readable_or_404(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            request_comment(request=request_obj, author=request.user, body=form.cleaned_data["body"])
        except RequestError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(reverse("request-detail", args=[pk]) + "#history")


@require("triage_requests")
def request_triage(request):
    """The board: one query per column (capped at CARDS_PER_COLUMN cards) and one for the counts.

    Queries, whatever the number of requests: 5 columns + 1 count by status + stages, personas,
    competitors and marketers for the filters and the assign select = 10, plus the session's.
    """
    assignees = list(marketers())
    filterset = RequestFilterSet(
        request.GET, queryset=ContentRequest.objects.all(), request=request, assignees=assignees
    )
    filter_errors = {} if filterset.is_valid() else filterset.errors
    base = ContentRequest.objects.none() if filter_errors else filterset.qs
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    columns = []
    for key, label, statuses in BOARD_COLUMNS:
        cards = _figured(base.filter(status__in=statuses), request.user)
        cards = cards.order_by("-updated_at", "-id") if key == "closed" else by_urgency(cards)
        cards = [_decorate(c) for c in cards[:CARDS_PER_COLUMN]]
        columns.append({"key": key, "label": label, "cards": cards, "total": sum(counts.get(s, 0) for s in statuses)})
    return render(
        request,
        "requests/triage.html",
        {
            "columns": columns,
            "filterset": filterset,
            "assignees": assignees,
            "priorities": RequestPriority.choices,
            "cards_per_column": CARDS_PER_COLUMN,
            "filter_errors": filter_errors,
        },
        status=400 if filter_errors else 200,
    )


@require_POST
@require("triage_requests")
def request_triage_action(request, pk, action):
    """assign / priority / transition: the board re-renders the card in place; a plain form post
    redirects back with a message."""
    request_obj = get_object_or_404(ContentRequest.objects.select_related("requester"), pk=pk)
    error = ""
    done = ""
    try:
        if action == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                raise RequestError("Pick a marketer to assign.")
            request_assign(request=request_obj, actor=request.user, assignee=form.cleaned_data["assignee"])
            done = "Assignment saved."
        elif action == "priority":
            form = PriorityForm(request.POST)
            if not form.is_valid():
                raise RequestError("Pick a priority.")
            request_set_priority(request=request_obj, actor=request.user, priority=form.cleaned_data["priority"])
            done = "Priority saved."
        elif action == "transition":
            form = TransitionForm(request.POST)
            if not form.is_valid():
                raise RequestError(" ".join(e for errors in form.errors.values() for e in errors))
            request_transition(
                request=request_obj,
                actor=request.user,
                to_status=request.POST.get("to_status", ""),
                **form.cleaned_data,
            )
            done = "Status changed."
        else:
            raise Http404("No such action.")
    except RequestError as exc:
        error = exc.text
    if request.htmx:
        card = _decorate(get_object_or_404(_figured(ContentRequest.objects.all(), request.user), pk=pk))
        return render(
            request,
            "requests/_card.html",
            {
                "r": card,
                "error": error,
                "done": done,
                "assignees": list(marketers()),
                "priorities": RequestPriority.choices,
                "next_url": reverse("request-triage"),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("request-detail", args=[pk])))


@require_GET
@require("triage_requests")
def request_lookup(request):
    """<option>s for the duplicate picker: requests by id or title words, excluding one."""
    q = request.GET.get("q", "").strip().lstrip("#")
    exclude = request.GET.get("exclude", "")
    found = ContentRequest.objects.exclude(status=RequestStatus.DUPLICATE)
    if exclude.isdigit():
        found = found.exclude(pk=int(exclude))
    if q.isdigit():
        found = found.filter(pk=int(q))
    elif len(q) >= 2:
        found = found.filter(title__icontains=q)
    else:
        found = found.none()
    return render(request, "requests/_options.html", {"options": [(r.pk, r.title) for r in found[:10]]})


@require_GET
@require("triage_requests")
def asset_lookup(request):
    """<option>s for the deliver picker: published assets by id or title words."""
    q = request.GET.get("q", "").strip().lstrip("#")
    found = Asset.objects.filter(status=AssetStatus.PUBLISHED)
    if q.isdigit():
        found = found.filter(pk=int(q))
    elif len(q) >= 2:
        found = found.filter(title__icontains=q)
    else:
        found = found.none()
    options = [(a.pk, a.title) for a in found.order_by("-published_at", "-id")[:10]]
    return render(request, "requests/_options.html", {"options": options})


urlpatterns = [
    path("requests/", my_requests, name="my-requests"),
    path("requests/new/", request_new, name="request-new"),
    path("requests/suggestions/", request_suggestions, name="request-suggestions"),
    path("requests/triage/", request_triage, name="request-triage"),
    path("requests/lookup/", request_lookup, name="request-lookup"),
    path("requests/asset-lookup/", asset_lookup, name="request-asset-lookup"),
    path("requests/<int:pk>/", request_detail, name="request-detail"),
    path("requests/<int:pk>/support/", request_support_view, name="request-support"),
    path("requests/<int:pk>/comments/", request_comment_view, name="request-comment"),
    path("requests/<int:pk>/triage/<slug:action>/", request_triage_action, name="request-triage-action"),
]
