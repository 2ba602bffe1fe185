"""The shared content calendar page, planning from it, and the iCalendar subscription."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..assets import asset_plan, asset_reschedule
from ..calendar import (
    STATE_LABELS,
    add_months,
    calendar_events,
    calendar_feed_for,
    calendar_feed_reset,
    events_to_ical,
    feed_owner,
    feed_range,
    grid_bounds,
    month_end,
    month_grid,
    month_summary,
    parse_month,
    planning_owners,
)
from ..calendar.filters import CalendarFilterSet
from ..filtering import FilterError, error_sentence
from ..models import Asset, AssetKind
from ..names import person_name
from ..permissions import can, require

LIST_PAGE_SIZE = 50
# A day cell lists this many events; the rest are one "more" link away, in the list view.
EVENTS_PER_CELL = 6


class PlanAssetForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[("", "Choose a kind")] + list(AssetKind.choices))
    owner = forms.ModelChoiceField(queryset=None, empty_label="Choose an owner")
    planned_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Planned date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = planning_owners()
        self.fields["owner"].label_from_instance = person_name


class RescheduleForm(forms.Form):
    planned_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="New planned date")


def _long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _bad_request(request, message):
    return render(request, "calendar/error.html", {"message": message}, status=400)


def _apply_service_errors(form, error: ValidationError):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _feed_url(user) -> str:
    secret = calendar_feed_for(user).secret
    return settings.SITE_URL.rstrip("/") + reverse("calendar-feed", args=[secret])


def _render_calendar(request, *, plan_form=None, status=200):
    try:
        first = parse_month(request.GET.get("month"))
        filterset = CalendarFilterSet(request.GET, request=request)
        filters = filterset.calendar_filters()
    except ValueError as error:
        return _bad_request(request, str(error))
    except FilterError as error:
        return _bad_request(request, error_sentence(error))
    view = "list" if request.GET.get("view") == "list" else "month"
    year, month = first.year, first.month
    last = month_end(year, month)

    context = {
        "first": first,
        "month_param": f"{first:%Y-%m}",
        "prev_month": f"{add_months(first, -1):%Y-%m}",
        "next_month": f"{add_months(first, 1):%Y-%m}",
        "today_month": f"{timezone.localdate():%Y-%m}",
        "view": view,
        "filters": filters,
        "filterset": filterset,
        "state_labels": STATE_LABELS,
        "feed_url": _feed_url(request.user),
        "events_per_cell": EVENTS_PER_CELL,
    }
    if view == "month":
        start, end = grid_bounds(year, month)
        events = calendar_events(user=request.user, start=start, end=end, filters=filters)
        context["weeks"] = month_grid(year, month, events)
        for week in context["weeks"]:
            for cell in week:
                cell.overflow = max(0, len(cell.events) - EVENTS_PER_CELL)
    else:
        day = request.GET.get("day")
        start, end = first, last
        if day:
            try:
                start = end = datetime.date.fromisoformat(day)
            except ValueError:
                return _bad_request(request, f"{day!r} is not a date; write it as YYYY-MM-DD.")
            if (start.year, start.month) != (year, month):
                return _bad_request(request, "The day must fall inside the month shown.")
            context["day"] = start
        events = calendar_events(user=request.user, start=first, end=last, filters=filters)
        listed = [e for e in events if start <= e.date <= end]
        context["page"] = Paginator(listed, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context["summary"] = month_summary(events, year, month)
    if can(request.user, "plan_calendar"):
        context["plan_form"] = plan_form or PlanAssetForm(initial={"owner": request.user.pk})
    return render(request, "calendar/index.html", context, status=status)


@require("view_calendar")
@require_GET
def calendar_page(request):
    return _render_calendar(request)


@require("plan_calendar")
@require_POST
def calendar_plan(request):
    form = PlanAssetForm(request.POST)
    if form.is_valid():
        try:
            asset = asset_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            when = _long_date(asset.planned_publish_date)
            messages.success(request, f"“{asset.title}” is planned for {when}.")
            return redirect(f"{reverse('calendar')}?month={asset.planned_publish_date:%Y-%m}")
    return _render_calendar(request, plan_form=form, status=400)


@require("plan_calendar")
@require_http_methods(["GET", "POST"])
def calendar_reschedule_view(request, pk):
    asset = get_object_or_404(Asset.objects.select_related("owner"), pk=pk)
    template = "calendar/_reschedule_form.html" if request.htmx else "calendar/reschedule.html"
    auto_id = f"reschedule-{asset.pk}-%s"  # unique when several forms open in one grid
    if request.method == "GET":
        form = RescheduleForm(initial={"planned_date": asset.planned_publish_date}, auto_id=auto_id)
        return render(request, template, {"asset": asset, "form": form})
    form = RescheduleForm(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            asset = asset_reschedule(actor=request.user, asset=asset, planned_date=form.cleaned_data["planned_date"])
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            if request.htmx:
                return render(request, "calendar/_rescheduled.html", {"asset": asset})
            messages.success(request, f"“{asset.title}” moved to {_long_date(asset.planned_publish_date)}.")
            return redirect(f"{reverse('calendar')}?month={asset.planned_publish_date:%Y-%m}")
    # htmx only swaps successful responses: the form with its errors comes back as a 200 in place.
    return render(request, template, {"asset": asset, "form": form}, status=200 if request.htmx else 400)


def calendar_feed(request, secret):
    """The .ics subscription. No session: the secret is the credential, and anything wrong is a bare 404."""
    if request.method not in ("GET", "HEAD"):
        raise Http404
    user = feed_owner(secret)
    if user is None:
        raise Http404
    start, end = feed_range()
    events = calendar_events(user=user, start=start, end=end)
    response = HttpResponse(events_to_ical(events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="content-calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require("view_calendar")
@require_POST
def calendar_feed_reset_view(request):
    calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Subscribe again with the link below; the old one no longer works.",
    )
    return redirect(reverse("calendar") + "#subscribe")


urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/plan/", calendar_plan, name="calendar-plan"),
    path("calendar/assets/<int:pk>/reschedule/", calendar_reschedule_view, name="calendar-reschedule"),
    path("calendar/subscription/reset/", calendar_feed_reset_view, name="calendar-feed-reset"),
    re_path(r"^calendar/feed/(?P<secret>[A-Za-z0-9_-]{1,64})\.ics$", calendar_feed, name="calendar-feed"),
]
