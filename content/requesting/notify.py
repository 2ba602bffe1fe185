"""Telling the requester and the +1 supporters what happened to a request: a Notification row in
the same transaction as the change, and an email sent by a background job that is enqueued only
once that transaction has committed.

A mail failure is retried by the job, then logged; it never undoes the change (the notification row
stays on "My requests").
"""

from django.conf import settings

from ..jobs import mail_later
from ..models import Notification, RequestSupport


def audience(request, *, exclude=None) -> list:
    """The requester and every supporter, once each, without the person who made the change."""
    users = {request.requester_id: request.requester}
    for support in RequestSupport.objects.filter(request=request).select_related("user"):
        users.setdefault(support.user_id, support.user)
    excluded = getattr(exclude, "pk", None)
    return [u for pk, u in sorted(users.items()) if pk != excluded]


def notify(request, message: str, *, actor=None) -> list[Notification]:
    """Record `message` for everyone concerned by `request` and mail it after commit."""
    recipients = audience(request, exclude=actor)
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
