"""The Slack settings page: each user links their Slack member id and picks the notifications they
get by direct message; whoever may configure Slack channels routes events to channels. The slash
command's endpoint is content/api/slack.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..models import SlackEvent, SlackRoute
from ..permissions import can, require
from ..slack import slack_enabled, slack_profile_of, slack_profile_update, slack_route_add, slack_route_remove
from ..slack.forms import SlackProfileForm, SlackRouteForm


def _page(request, *, profile_form=None, route_form=None, status=200):
    profile = slack_profile_of(request.user)
    if profile_form is None:
        chosen = [event for event in SlackEvent.values if getattr(profile, event)]
        profile_form = SlackProfileForm(initial={"member_id": profile.member_id, "events": chosen})
    configures = can(request.user, "configure_slack_channels")
    context = {
        "enabled": slack_enabled(),
        "profile": profile,
        "profile_form": profile_form,
        "configures": configures,
        "routes": list(SlackRoute.objects.order_by("event", "channel", "id")) if configures else [],
        "route_form": route_form or SlackRouteForm(),
        "command_url": request.build_absolute_uri(reverse("slack-command")),
    }
    return render(request, "slack/settings.html", context, status=status)


def _form_errors(form, error: ValidationError):
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require("use_slack")
@require_http_methods(["GET", "POST"])
def slack_settings(request):
    if request.method == "GET":
        return _page(request)
    form = SlackProfileForm(request.POST)
    if form.is_valid():
        try:
            slack_profile_update(
                user=request.user, member_id=form.cleaned_data["member_id"], events=form.cleaned_data["events"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Your Slack settings are saved.")
            return redirect("slack-settings")
    return _page(request, profile_form=form, status=400)


@require("configure_slack_channels")
@require_POST
def slack_route_new(request):
    form = SlackRouteForm(request.POST)
    if form.is_valid():
        try:
            route, created = slack_route_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if created:
                messages.success(request, f"{route.get_event_display()} now go to {route.channel}.")
            else:
                messages.info(request, f"{route.get_event_display()} already go to {route.channel}.")
            return redirect("slack-settings")
    return _page(request, route_form=form, status=400)


@require("configure_slack_channels")
@require_POST
def slack_route_delete(request, pk):
    route = get_object_or_404(SlackRoute, pk=pk)
    slack_route_remove(actor=request.user, route=route)
    messages.success(request, f"{route.get_event_display()} no longer go to {route.channel}.")
    return redirect("slack-settings")


urlpatterns = [
    path("settings/slack/", slack_settings, name="slack-settings"),
    path("settings/slack/routes/", slack_route_new, name="slack-route-new"),
    path("settings/slack/routes/<int:pk>/delete/", slack_route_delete, name="slack-route-delete"),
]
