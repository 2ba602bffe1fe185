"""The calendar as an iCalendar (.ics) document that Google Calendar or Outlook can subscribe to."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from ..money import format_amounts


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url else ""


def event_summary(event) -> str:
    label = event.kind_label or "Request"
    return f"{event.type_label}: {event.title} [{label} · {event.state_label}]"


def event_description(event) -> str:
    lines = [f"{event.type_label}: {event.title}"]
    if event.kind_label:
        lines.append(f"Kind: {event.kind_label}")
    if event.owner:
        lines.append(f"Owner: {event.owner}")
    if event.is_asset and event.state != "planned":
        lines.append(
            f"Won-deal support: {event.won_deals} closed-won deal(s), "
            f"influenced revenue {format_amounts(event.influenced_revenue_by_currency)} ({event.state_label})"
        )
    else:
        lines.append(f"State: {event.state_label}")
    if event.url:
        lines.append(_absolute(event.url))
    return "\n".join(lines)


def events_to_ical(events, *, name: str = "Content calendar") -> bytes:
    """All-day VEVENTs with stable UIDs, so a refreshed subscription updates rather than duplicates."""
    cal = Calendar()
    cal.add("prodid", "-//Enablement library//Content calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for item in events:
        vevent = Event()
        vevent.add("uid", item.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", item.date)
        vevent.add("dtend", item.date + datetime.timedelta(days=1))
        vevent.add("summary", event_summary(item))
        vevent.add("description", event_description(item))
        vevent.add("transp", "TRANSPARENT")
        if item.url:
            vevent.add("url", _absolute(item.url))
        vevent.add("categories", [item.type_label])
        cal.add_component(vevent)
    return cal.to_ical()
