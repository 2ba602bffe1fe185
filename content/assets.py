"""Asset writes: create, update, move along the workflow, verify, plan on the calendar, attach a
file. The rules every asset obeys whichever way it is written (what each kind cannot do without, the
release and expiry dates, the stamps a published asset carries) live here; the asset form, the API
serializer, the admin, the calendar and the commands call these functions and only translate their
errors."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .caching import reports_changed
from .extraction import extract_text_or_reason
from .jobs import job_handler, job_start
from .models import Asset, AssetKind, AssetStatus
from .permissions import can, is_marketer
from .uploads import safe_file_name, validate_asset_file

# The structured fields of each kind, beside the common ones.
KIND_FIELDS = {
    AssetKind.CASE_STUDY: ("customer", "industry", "results"),
    AssetKind.BATTLE_CARD: ("how_we_win", "strengths", "weaknesses", "landmines"),
    AssetKind.OBJECTION: ("objection", "response", "proof_points"),
}
# Fields a kind cannot do without, with the message that says why.
KIND_REQUIRED = {
    AssetKind.CASE_STUDY: {"customer": "Name the customer this case study is about."},
    AssetKind.BATTLE_CARD: {"how_we_win": "Say how we win: it is the first thing a rep reads."},
    AssetKind.OBJECTION: {
        "objection": "Write the objection as the buyer says it.",
        "response": "Write the response a rep can give.",
    },
}
BATTLE_CARD_NEEDS_COMPETITOR = "A battle card is about one competitor: pick it."

SCALAR_FIELDS = (
    "title",
    "summary",
    "body",
    "external_url",
    "owner",
    "planned_publish_date",
    "published_at",
    "expires_on",
    "verification_interval_days",
    "customer",
    "industry",
    "results",
    "strengths",
    "weaknesses",
    "landmines",
    "how_we_win",
    "objection",
    "response",
)
RELATION_FIELDS = ("stages", "personas", "competitors", "proof_points")
WRITABLE_FIELDS = frozenset({*SCALAR_FIELDS, *RELATION_FIELDS, "tags", "status", "kind"})


def kind_fields(kind: str) -> tuple[str, ...]:
    return KIND_FIELDS.get(kind, ())


def asset_rule_errors(*, kind: str, status: str, value, pk=None) -> dict[str, str]:
    """The asset rules broken by the values `value(field)` returns, as {field: message}. The form
    asks this while a marketer types; the services refuse to write when it is not empty."""
    errors = {}
    for field, message in KIND_REQUIRED.get(kind, {}).items():
        if not (value(field) or "").strip():
            errors[field] = message
    if kind == AssetKind.BATTLE_CARD and not value("competitors"):
        errors["competitors"] = BATTLE_CARD_NEEDS_COMPETITOR
    if pk is not None and kind == AssetKind.OBJECTION and any(p.pk == pk for p in value("proof_points") or ()):
        errors["proof_points"] = "An entry cannot be its own proof."
    released, expires = value("published_at"), value("expires_on")
    if status == AssetStatus.PUBLISHED and not released:
        errors["published_at"] = "A published asset needs its release date; archive it instead."
    if expires and released and expires <= timezone.localdate(released):
        errors["expires_on"] = "The expiry date must come after the release date."
    return errors


@dataclass(frozen=True)
class AssetStamps:
    published_at: datetime.datetime | None
    owner: object  # a user, or a user id: whatever was given
    review_by: datetime.date | None


def review_by_for(*, status: str, published_at, verified_at, verification_interval_days: int) -> datetime.date | None:
    """The date by which the owner must verify a published asset again: the interval counted from
    the last verification, or from the release when nobody has verified it yet."""
    anchor = verified_at or published_at
    if status != AssetStatus.PUBLISHED or anchor is None:
        return None
    return timezone.localdate(anchor) + datetime.timedelta(days=verification_interval_days)


def asset_stamps(
    *, status: str, published_at, verified_at, verification_interval_days: int, owner, publisher=None, now=None
) -> AssetStamps:
    """The stamps an asset in `status` carries (pure: nothing is read or written). A published asset
    is released now when it has no release date, and an ownerless one becomes the publisher's, since
    every published asset needs someone who verifies it; its review-by date follows
    (`review_by_for`). The services, the model's save and the synthetic data all ask this."""
    if status == AssetStatus.PUBLISHED:
        published_at = published_at or now or timezone.now()
        owner = owner if owner is not None else publisher
    review_by = review_by_for(
        status=status,
        published_at=published_at,
        verified_at=verified_at,
        verification_interval_days=verification_interval_days,
    )
    return AssetStamps(published_at=published_at, owner=owner, review_by=review_by)


def _require_editor(actor):
    if not can(actor, "edit_assets"):
        raise PermissionDenied("Only marketing may create or change assets.")


def _move(asset: Asset, to_status: str, actor) -> None:
    """Set the new status if the workflow allows it, with its stamps (`asset_stamps`)."""
    if to_status not in AssetStatus.values:
        raise ValidationError({"status": f"“{to_status}” is not a status."}, code="unknown_status")
    if not asset.can_transition_to(to_status):
        raise ValidationError(
            {
                "status": ValidationError(
                    "An asset that is %(from)s cannot become %(to)s.",
                    code="invalid_transition",
                    params={
                        "from": asset.get_status_display().lower(),
                        "to": AssetStatus(to_status).label.lower(),
                    },
                )
            }
        )
    asset.status = to_status
    stamps = asset_stamps(
        status=to_status,
        published_at=asset.published_at,
        verified_at=asset.verified_at,
        verification_interval_days=asset.verification_interval_days,
        owner=asset.owner_id,
        publisher=actor,
    )
    asset.published_at, asset.review_by = stamps.published_at, stamps.review_by
    if stamps.owner != asset.owner_id:  # the publisher, for an ownerless asset
        asset.owner = stamps.owner


def _check(asset: Asset, relations: dict, *, rules: bool = True) -> None:
    """full_clean and (with `rules`) the asset rules, reading relations from `relations` or else
    the saved rows."""

    def value(field):
        if field in relations:
            return relations[field]
        if field in RELATION_FIELDS:
            return list(getattr(asset, field).all()) if asset.pk else []
        return getattr(asset, field)

    errors = {}
    try:
        asset.full_clean(exclude=["file"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if rules:
        for field, message in asset_rule_errors(kind=asset.kind, status=asset.status, value=value, pk=asset.pk).items():
            errors.setdefault(field, [message])
    if errors:
        raise ValidationError(errors)


def _split(values: dict) -> tuple[dict, dict, list | None]:
    unknown = set(values) - WRITABLE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a field an asset has."))
    relations = {name: list(values.pop(name)) for name in RELATION_FIELDS if name in values}
    tags = values.pop("tags", None)
    return values, relations, tags


def _write(asset: Asset, relations: dict, tags, upload, *, rules: bool = True) -> Asset:
    _check(asset, relations, rules=rules)
    asset.save()
    for name, items in relations.items():
        getattr(asset, name).set(items)
    if tags is not None:
        asset.tags.set(list(tags))
    if upload is not None:
        asset_save_file(asset=asset, uploaded_file=upload)
    return asset


@transaction.atomic
def asset_create(*, actor, kind: str, status: str = AssetStatus.DRAFT, upload=None, **values) -> Asset:
    """A new asset of `kind`, owned by the actor unless `owner` is given; a status other than
    draft is reached through the workflow, with its stamps. Nothing is written when a rule fails."""
    _require_editor(actor)
    if kind not in AssetKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a kind of asset."})
    values, relations, tags = _split(values)
    values.pop("kind", None)
    values.setdefault("owner", actor)
    asset = Asset(kind=kind, status=AssetStatus.DRAFT, **values)
    if status != AssetStatus.DRAFT:
        _move(asset, status, actor)
    return _write(asset, relations, tags, upload)


@transaction.atomic
def asset_update(*, actor, asset: Asset, upload=None, **values) -> Asset:
    """Change the given fields (the others keep their value), moving the status through the
    workflow when `status` differs. The row is locked so that two editors cannot interleave."""
    _require_editor(actor)
    values, relations, tags = _split(values)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    to_status = values.pop("status", asset.status)
    kind = values.pop("kind", asset.kind)
    if kind not in AssetKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a kind of asset."})
    asset.kind = kind
    for name, value in values.items():
        setattr(asset, name, value)
    moving = to_status != asset.status
    if moving:
        _move(asset, to_status, actor)
    # A change of status alone is a transition, with the transition's rules.
    only_moving = moving and not (values or relations or tags is not None or upload is not None)
    rules = not only_moving or to_status in (AssetStatus.IN_REVIEW, AssetStatus.PUBLISHED)
    return _write(asset, relations, tags, upload, rules=rules)


@transaction.atomic
def asset_transition(*, asset: Asset, to_status: str, actor) -> Asset:
    """Move the asset along its workflow (see `_move`). Going to review or publication needs an
    asset that obeys every asset rule; back to draft or into the archive never does (that is how
    an incomplete asset leaves the library). An invalid move changes nothing and says why."""
    _require_editor(actor)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    _move(asset, to_status, actor)
    complete = to_status in (AssetStatus.IN_REVIEW, AssetStatus.PUBLISHED)
    return _write(asset, {}, None, None, rules=complete)


PLANNABLE = (AssetStatus.DRAFT, AssetStatus.IN_REVIEW)


def _require_planner(actor):
    if not can(actor, "plan_calendar"):
        raise PermissionDenied("Only marketing plans the calendar.")


def _planned_date_errors(planned_date, field_name: str) -> dict[str, str]:
    if not isinstance(planned_date, datetime.date) or isinstance(planned_date, datetime.datetime):
        return {field_name: "Enter a date."}
    if planned_date < timezone.localdate():
        return {field_name: "The planned date cannot be in the past."}
    return {}


@transaction.atomic
def asset_plan(*, actor, title: str, kind: str, owner, planned_date: datetime.date) -> Asset:
    """A draft planned on the calendar for `planned_date`, owned by an active marketer. A plan is a
    title and a date: the kind rules apply when it goes to review or publication."""
    _require_planner(actor)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the asset a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if kind not in AssetKind.values:
        errors["kind"] = "Choose a kind of asset."
    if owner is None or not owner.is_active or not is_marketer(owner):
        errors["owner"] = "The owner must be an active marketer."
    errors.update(_planned_date_errors(planned_date, "planned_date"))
    if errors:
        raise ValidationError(errors)
    asset = Asset(title=title, kind=kind, owner=owner, status=AssetStatus.DRAFT, planned_publish_date=planned_date)
    return _write(asset, {}, None, None, rules=False)


@transaction.atomic
def asset_reschedule(*, actor, asset: Asset, planned_date: datetime.date) -> Asset:
    """Move a planned (draft or in-review) asset to another date; the row is locked so that two
    planners cannot interleave."""
    _require_planner(actor)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status not in PLANNABLE:
        status = asset.get_status_display().lower()
        raise ValidationError(
            {"planned_date": f"Only draft or in-review assets can be rescheduled; this one is {status}."}
        )
    if errors := _planned_date_errors(planned_date, "planned_date"):
        raise ValidationError(errors)
    asset.planned_publish_date = planned_date
    asset.save(update_fields=["planned_publish_date", "updated_at"])
    return asset


HAS_HISTORY = "This asset was used in deals or sent to buyers; archive it instead, so that history stays."


def has_history(asset: Asset) -> bool:
    """Whether a deal used the asset or a buyer was sent it: such an asset is archived, not deleted."""
    return asset.usages.exists() or asset.share_links.exists()


@transaction.atomic
def asset_delete(*, actor, asset: Asset) -> None:
    """Delete an asset that no deal used and no buyer was sent; its file goes once the delete has
    committed. One with that history is archived instead (ValidationError saying so): deleting it
    would rewrite the won-deal support and the reports already read."""
    _require_editor(actor)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if has_history(asset):
        raise ValidationError(HAS_HISTORY, code="has_history")
    file_name = asset.file.name if asset.file else ""
    storage = asset.file.storage
    asset.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))


def may_verify(actor, asset: Asset) -> bool:
    return can(actor, "edit_assets") or (asset.owner_id is not None and asset.owner_id == actor.pk)


@transaction.atomic
def asset_verify(*, asset: Asset, actor, now=None) -> Asset:
    """The owner (or any marketer) confirms the asset is still right: review_by moves on. `now`:
    when it was verified (the demo data tells a story in the past); the present by default."""
    if not may_verify(actor, asset):
        raise PermissionDenied("Only the owner or marketing may verify an asset.")
    if asset.status != AssetStatus.PUBLISHED:
        raise ValidationError("Only a published asset can be verified.", code="not_published")
    asset.verified_at = now or timezone.now()
    asset.verified_by = actor
    asset.save(update_fields=["verified_at", "verified_by", "review_by", "updated_at"])
    return asset


def asset_save_file(*, asset: Asset, uploaded_file) -> Asset:
    """Validate, store and index a new file for the asset. A small file's text is extracted before
    the file is stored so the row is written once; a big file's text is extracted by a background
    job after commit. A file that fails validation stores nothing."""
    validate_asset_file(uploaded_file)
    in_background = uploaded_file.size > settings.EXTRACT_IN_BACKGROUND_BYTES
    text, reason = ("", "") if in_background else extract_text_or_reason(uploaded_file)
    old_name = asset.file.name if asset.file else ""
    uploaded_file.seek(0)
    asset.file.save(safe_file_name(uploaded_file.name), uploaded_file, save=False)
    asset.file_text = text
    asset.file_text_error = reason or None
    asset.file_preview = None  # read again from the new file when first shown (content/previews.py)
    try:
        with transaction.atomic():
            asset.save()
    except Exception:
        asset.file.storage.delete(asset.file.name)
        raise
    if old_name and old_name != asset.file.name:
        transaction.on_commit(lambda: asset.file.storage.delete(old_name))
    if in_background:
        job_start(kind="extract_text", params={"asset_id": asset.pk, "file": asset.file.name})
    return asset


@job_handler("extract_text")
def extract_text_job(*, job, progress):
    """Extract a big file's text into the search index, unless the file was replaced meanwhile."""
    asset = Asset.objects.filter(pk=job.params["asset_id"]).first()
    if asset is None or asset.file.name != job.params["file"]:
        return {"skipped": "the asset or its file changed"}
    with asset.file.open("rb") as stored:
        text, reason = extract_text_or_reason(stored)
    asset.file_text = text
    asset.file_text_error = reason or None
    asset.save(update_fields=["file_text", "file_text_error", "updated_at"])
    return {"characters": len(text)}


@transaction.atomic
def asset_owner_transfer(*, actor, from_user, to_user) -> int:
    """Every asset `from_user` owns becomes `to_user`'s (when an owner leaves: content.people), in one
    statement under a lock on those rows; returns how many. Marketing or a manager may do it; the new
    owner must be an active marketer, since owners verify their assets."""
    if not (can(actor, "edit_assets") or can(actor, "manage_users")):
        raise PermissionDenied("Only marketing or a manager transfers asset ownership.")
    if not to_user.is_active or not is_marketer(to_user):
        raise ValidationError({"owner": f"{to_user.username} is not an active marketer and cannot own assets."})
    owned = Asset.objects.filter(owner=from_user)
    ids = list(owned.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    moved = Asset.objects.filter(pk__in=ids).update(owner=to_user, updated_at=timezone.now())
    reports_changed()  # a bulk update sends no post_save: the freshness report names owners
    return moved


def download_name(asset: Asset) -> str:
    return safe_file_name(asset.file.name)


__all__ = [
    "KIND_FIELDS",
    "KIND_REQUIRED",
    "AssetStamps",
    "asset_create",
    "asset_owner_transfer",
    "asset_plan",
    "asset_reschedule",
    "asset_rule_errors",
    "asset_save_file",
    "asset_stamps",
    "asset_transition",
    "asset_update",
    "asset_verify",
    "download_name",
    "kind_fields",
    "may_verify",
    "review_by_for",
]
