"""Telling the requester and the +1 supporters what happened to a request: a Notification row in
the same transaction as the change, and an email sent by a background job that is enqueued only
once that transaction has committed; status changes and comments also go to Slack (to the people
concerned who asked for them, and to the channels routed the event), by a job enqueued the same way.

A mail or Slack failure is retried by the job, then logged; it never undoes the change (the notification row
stays on "My requests").
"""

from django.conf import settings

from ..jobs import mail_later
from ..models import Notification, RequestSupport
from ..slack import escape, slack_later
from ..slack import link as slack_link


def audience(request, *, exclude=None) -> list:
    """The requester and every supporter, once each, without the person who made the change."""
    users = {request.requester_id: request.requester}
    for support in RequestSupport.objects.filter(request=request).select_related("user"):
        users.setdefault(support.user_id, support.user)
    excluded = getattr(exclude, "pk", None)
    return [u for pk, u in sorted(users.items()) if pk != excluded]


def notify(request, message: str, *, actor=None, slack_event: str = "") -> list[Notification]:
    """Record `message` for everyone concerned by `request` and mail it after commit; with a
    `slack_event` (a SlackEvent), post it to Slack too."""
    recipients = audience(request, exclude=actor)
    if slack_event:
        slack_text = f"{escape(message[:500])}\n{slack_link(request.get_absolute_url(), f'Request #{request.pk}')}"
        slack_later(event=slack_event, text=slack_text, users=recipients)
    if not recipients:
        return []
    message = message[:500]
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, request=request, message=message) for user in recipients]
    )
    addresses = [u.email for u in recipients if u.email]
    if addresses:
        subject = f"[Request #{request.pk}] {request.title}"[:200]
        link = settings.SITE_URL.rstrip("/") + request.get_absolute_url()
        body = f"{message}\n\n{link}\n"
        # One message (and job) per recipient, so that one refused address does not silence the others.
        for address in sorted(set(addresses)):
            mail_later(subject=subject, body=body, to=[address])
    return notifications
