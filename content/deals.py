"""Deals one at a time: the upsert by CRM id (API) and signed CRM webhook events. Who sees which
deals is content.permissions.visible_deals.

The CSV import (content.importers) writes in bulk; these services write one deal and share its
vocabulary (content.crm), so a stage means the same thing whichever way it arrives.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from .crm import StageMapper, parse_amount, parse_date
from .models import Deal, DealStatus, WebhookEvent
from .names import person_name
from .support import refresh_support_for_deals

UPSERT_FIELDS = (
    "name",
    "account",
    "amount",
    "currency",
    "stage",
    "status",
    "close_date",
    "owner",
    "owner_name",
    "product_line",
    "industry",
)
OUTCOME_FIELDS = ("status", "close_date", "amount")


def search_deals(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(Q(name__icontains=q) | Q(account__icontains=q) | Q(crm_id__iexact=q))


def upsert_deal(*, crm_id: str, source: str = "api", stage_map=None, **values) -> tuple[Deal, bool]:
    """Create or update the deal with this CRM id; returns (deal, created). Fields left out keep
    their value; the status follows the stage unless given; won/lost needs a close date."""
    unknown = set(values) - set(UPSERT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Unknown field."))
    mapper = StageMapper(stage_map)
    try:
        return _upsert_once(crm_id=crm_id, source=source, mapper=mapper, values=values)
    except IntegrityError:
        # Another request created this CRM id between our read and our insert (two CRM retries,
        # two webhooks for one new deal): the row exists now, so this becomes an update of it.
        return _upsert_once(crm_id=crm_id, source=source, mapper=mapper, values=values)


def _upsert_once(*, crm_id: str, source: str, mapper, values: dict) -> tuple[Deal, bool]:
    with transaction.atomic():  # a savepoint when nested, so a lost race rolls back only this
        deal = Deal.objects.select_for_update().filter(crm_id=crm_id).first()
        created = deal is None
        if created:
            if not values.get("name"):
                raise ValidationError({"name": "A new deal needs a name."})
            deal = Deal(crm_id=crm_id, source=source)
        tracked = (*UPSERT_FIELDS, "funnel_stage_id", "owner_id")
        before = {name: getattr(deal, name) for name in tracked if name != "owner"}
        for name, value in values.items():
            setattr(deal, name, value)
        if "stage" in values:
            deal.funnel_stage_id = mapper.funnel_stage_id(deal.stage)
            if "status" not in values:
                deal.status = mapper.status(deal.stage)
        if "owner" in values and deal.owner and not values.get("owner_name"):
            deal.owner_name = person_name(deal.owner)
        if deal.status != DealStatus.OPEN and deal.close_date is None:
            raise ValidationError({"close_date": f"A {deal.status} deal needs a close date."})
        deal.full_clean(validate_unique=False)
        if not created and all(getattr(deal, name) == value for name, value in before.items()):
            return deal, False  # nothing changed: updated_at stays where it was
        deal.save()
        if not created and any(getattr(deal, name) != before[name] for name in OUTCOME_FIELDS):
            refresh_support_for_deals([deal.pk])
    return deal, created


def signature_for(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str | None) -> bool:
    """True when `header` is the HMAC-SHA256 of the raw body with the shared secret; never when no
    secret is configured."""
    secret = getattr(settings, "CRM_WEBHOOK_SECRET", "")
    if not secret or not header:
        return False
    # Bytes, not text: a header with non-ASCII characters must compare unequal, not raise.
    return hmac.compare_digest(signature_for(body, secret).encode(), header.strip().encode("utf-8", "replace"))


# A CRM id is part of URLs (/deals/<crm_id>/, /api/v1/deals/<crm_id>/): these characters only.
CRM_ID_REGEX = r"[A-Za-z0-9._\-]+"
CRM_ID_PATTERN = re.compile(CRM_ID_REGEX)

WEBHOOK_FIELDS = ("stage", "status", "amount", "close_date", "name", "account", "product_line", "industry")


def _webhook_values(payload: dict) -> dict:
    values = {}
    errors = {}
    for name in WEBHOOK_FIELDS:
        if name not in payload or payload[name] is None:
            continue
        raw = payload[name]
        try:
            if name == "amount":
                values["amount"], currency = parse_amount(str(raw))
                if currency:
                    values["currency"] = currency
            elif name == "close_date":
                values["close_date"] = parse_date(str(raw))
            elif name == "status":
                if raw not in DealStatus.values:
                    raise ValueError("must be one of open, won, lost")
                values["status"] = raw
            else:
                values[name] = str(raw)
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise ValidationError(errors)
    return values


def apply_crm_event(*, payload: dict) -> tuple[str, Deal | None]:
    """Apply one verified CRM event. Returns ("applied", deal) or ("duplicate", None) for an event id
    seen before: the event row and the change commit together, so a replay has no second effect."""
    if not isinstance(payload, dict):
        raise ValidationError({"body": "Expected a JSON object."})
    event_id, crm_id = str(payload.get("event_id") or ""), str(payload.get("crm_id") or "")
    errors = {}
    if not event_id or len(event_id) > 128:
        errors["event_id"] = "Required, at most 128 characters."
    if not crm_id or len(crm_id) > 64:
        errors["crm_id"] = "Required, at most 64 characters."
    elif not CRM_ID_PATTERN.fullmatch(crm_id):
        errors["crm_id"] = "Letters, digits, dots, dashes and underscores only (it must fit in a URL)."
    if errors:
        raise ValidationError(errors)
    values = _webhook_values(payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=event_id, payload=payload)
        except IntegrityError:
            return "duplicate", None
        if not values.get("name") and not Deal.objects.filter(crm_id=crm_id).exists():
            raise ValidationError({"crm_id": f"No deal {crm_id}; send its name to create it."})
        deal, _ = upsert_deal(crm_id=crm_id, source="webhook", **values)
    return "applied", deal


__all__ = [
    "apply_crm_event",
    "search_deals",
    "signature_for",
    "signature_is_valid",
    "upsert_deal",
]
