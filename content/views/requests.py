"""The request pages: submit (with matches while typing, and a warning when the same request was
just filed), "My requests", and one request with its history and, for marketing, its triage
actions. The board is content.views.triage; the rules live in content.requesting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..deal_picker import deal_label, named_deal
from ..models import (
    REQUEST_TRANSITIONS,
    Notification,
    RequestEvent,
    RequestPriority,
    RequestStatus,
    RequestSupport,
)
from ..permissions import can, can_view_deal, require, visible_deals
from ..requesting import (
    DuplicateRequest,
    RequestError,
    by_urgency,
    for_lists,
    impact_by_currency,
    needed_by_passed,
    readable_requests,
    request_comment,
    request_submit,
    request_support,
    requests_of,
    sla_state,
    suggestions_for,
    with_figures,
)
from ..requesting.forms import CommentForm, RequestSubmitForm, SupportForm, marketers

# The next step of the workflow: a card's one primary action.
NEXT_STEP = {
    RequestStatus.NEW: RequestStatus.TRIAGED,
    RequestStatus.TRIAGED: RequestStatus.ACCEPTED,
    RequestStatus.ACCEPTED: RequestStatus.IN_PROGRESS,
    RequestStatus.IN_PROGRESS: RequestStatus.DELIVERED,
}
# Buttons for the status changes, in the order of the workflow.
TRANSITION_LABELS = {
    RequestStatus.TRIAGED: "Triage",
    RequestStatus.ACCEPTED: "Accept",
    RequestStatus.IN_PROGRESS: "Start",
    RequestStatus.DELIVERED: "Deliver",
    RequestStatus.DECLINED: "Decline",
    RequestStatus.DUPLICATE: "Mark duplicate",
}


def decorate(request_obj, today=None):
    """What the templates show, computed in memory: the SLA (content.requesting.sla_state), whether
    the requester's needed-by date has passed, the status changes allowed (`next_actions`), and
    those split into the next step of the workflow (`primary_action`) and the rest (`menu_actions`)."""
    today = today or timezone.localdate()
    allowed = REQUEST_TRANSITIONS.get(request_obj.status, set())
    actions = [(s.value, label) for s, label in TRANSITION_LABELS.items() if s in allowed]
    if request_obj.status == RequestStatus.IN_PROGRESS:
        actions = [(s, "Back to accepted" if s == RequestStatus.ACCEPTED else label) for s, label in actions]
    step = NEXT_STEP.get(request_obj.status)
    request_obj.next_actions = actions
    request_obj.primary_action = next((a for a in actions if a[0] == step), None)
    request_obj.menu_actions = [a for a in actions if a != request_obj.primary_action]
    request_obj.sla = sla_state(request_obj, today)
    request_obj.needed_by_passed = needed_by_passed(request_obj, today)
    return request_obj


def figured(queryset, viewer):
    return for_lists(with_figures(queryset, viewer=viewer))


@require("submit_request")
def my_requests(request):
    user = request.user
    mine = by_urgency(figured(requests_of(user), user))
    page = Paginator(mine, 20).get_page(request.GET.get("page"))
    for r in page:
        decorate(r)
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
    duplicate = None
    if request.method == "POST":
        form = RequestSubmitForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                created = request_submit(requester=request.user, **form.cleaned_data)
            except DuplicateRequest as error:
                duplicate = error
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
        initial.update(_prefilled_deal(request.user, request.GET.get("deal", "")))
        form = RequestSubmitForm(initial={k: v for k, v in initial.items() if v}, user=request.user)
    title = form["title"].value() or ""
    status = 409 if duplicate else 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "requests/new.html",
        {"form": form, "duplicate": duplicate, **suggestions_for(user=request.user, title=title)},
        status=status,
    )


def _prefilled_deal(user, named):
    """The deal a link names (`?deal=`, a CRM id from the deal prep page or an integration), shown in
    the picker by its label and id; text that names no deal the user may open is left as typed, to
    be refused on submit."""
    if not named.strip():
        return {}
    try:
        deal = named_deal(user=user, label=named, allowed=visible_deals(user))
    except ValidationError:
        return {"deal": named}
    return {"deal": deal_label(deal), "deal_id": deal.pk}


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
    request_obj = get_object_or_404(figured(readable_requests(request.user), request.user), pk=pk)
    decorate(request_obj)
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


urlpatterns = [
    path("requests/", my_requests, name="my-requests"),
    path("requests/new/", request_new, name="request-new"),
    path("requests/suggestions/", request_suggestions, name="request-suggestions"),
    path("requests/<int:pk>/", request_detail, name="request-detail"),
    path("requests/<int:pk>/support/", request_support_view, name="request-support"),
    path("requests/<int:pk>/comments/", request_comment_view, name="request-comment"),
]
