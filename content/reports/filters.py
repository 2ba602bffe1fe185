"""The filters every report accepts, parsed and validated once from GET parameters.

Bad values raise ReportFilterError, which the pages and the API turn into a 400 with the message.
"""

import datetime
from dataclasses import asdict, dataclass, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import AssetKind, Competitor, FunnelStage, Persona

DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 5 * 366
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


# Dates a report may ask about: wide, but far enough from the calendar's ends for date arithmetic.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9000, 12, 31)


class ReportFilterError(ValidationError):
    """A filter value that cannot be used; `message_dict` says which and why."""


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date
    kind: str = ""
    stage: FunnelStage | None = None
    persona: Persona | None = None
    competitor: Competitor | None = None
    owner: object | None = None  # a User
    sort: str = ""
    direction: str = ""
    page: int = 1
    page_size: int | None = PAGE_SIZE

    PARAMS = (
        "start",
        "end",
        "kind",
        "stage",
        "persona",
        "competitor",
        "owner",
        "sort",
        "dir",
        "page",
        "page_size",
    )

    @classmethod
    def default(cls, today=None, **changes):
        today = today or timezone.localdate()
        return replace(cls(start=today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end=today), **changes)

    @classmethod
    def from_params(cls, params, *, today=None) -> "ReportFilters":
        """Parse a QueryDict or dict. Runs at most one query per taxonomy/owner filter given."""
        errors = {}
        today = today or timezone.localdate()

        def get(name):
            return str(params.get(name) or "").strip()

        def parse_date(name, default):
            raw = get(name)
            if not raw:
                return default
            try:
                value = datetime.date.fromisoformat(raw)
            except ValueError:
                errors[name] = f"Enter {name} as a date, YYYY-MM-DD (got {raw[:20]!r})."
                return default
            if not EARLIEST <= value <= LATEST:  # the default period is counted back from the end
                errors[name] = f"Enter {name} between {EARLIEST} and {LATEST}."
                return default
            return value

        end = parse_date("end", today)
        start = parse_date("start", end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1))
        if "start" not in errors and "end" not in errors:
            if start > end:
                errors["start"] = "The start date must be on or before the end date."
            elif (end - start).days > MAX_PERIOD_DAYS:
                errors["start"] = f"The period may span at most {MAX_PERIOD_DAYS} days."

        kind = get("kind")
        if kind and kind not in AssetKind.values:
            errors["kind"] = f"Choose a kind among: {', '.join(AssetKind.values)}."

        def term(name, model):
            slug = get(name)
            if not slug:
                return None
            found = model.objects.filter(slug=slug).first()
            if found is None:
                errors[name] = f"No {model._meta.verbose_name} named {slug[:50]!r}."
            return found

        stage = term("stage", FunnelStage)
        persona = term("persona", Persona)
        competitor = term("competitor", Competitor)

        owner = None
        username = get("owner")
        if username:
            owner = get_user_model().objects.filter(username=username).first()
            if owner is None:
                errors["owner"] = f"No user named {username[:50]!r}."

        sort = get("sort")
        if sort and not sort.replace("_", "").isalnum():
            errors["sort"] = "Sort by a column key."
        direction = get("dir")
        if direction and direction not in ("asc", "desc"):
            errors["dir"] = "The direction is asc or desc."

        def positive_int(name, default, maximum):
            raw = get(name)
            if not raw:
                return default
            if not raw.isdigit() or not 1 <= int(raw) <= maximum:
                errors[name] = f"Enter {name} as a whole number from 1 to {maximum}."
                return default
            return int(raw)

        page = positive_int("page", 1, 100_000)
        page_size = positive_int("page_size", PAGE_SIZE, MAX_PAGE_SIZE)

        if errors:
            raise ReportFilterError(errors)
        return cls(
            start=start,
            end=end,
            kind=kind,
            stage=stage,
            persona=persona,
            competitor=competitor,
            owner=owner,
            sort=sort,
            direction=direction,
            page=page,
            page_size=page_size,
        )

    def for_export(self) -> "ReportFilters":
        """The same filters, every row (CSV export is not paginated)."""
        return replace(self, page=1, page_size=None)

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period: ranges are start_at <= t < end_before."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def as_params(self) -> dict:
        """The filters as they appear in a URL or an API answer (empty values left out)."""
        values = asdict(self)
        out = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kind": self.kind,
            "stage": self.stage.slug if self.stage else "",
            "persona": self.persona.slug if self.persona else "",
            "competitor": self.competitor.slug if self.competitor else "",
            "owner": self.owner.get_username() if self.owner else "",
            "sort": values["sort"],
            "dir": values["direction"],
        }
        return {key: value for key, value in out.items() if value}
