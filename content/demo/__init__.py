"""The demo data set's content, read from the YAML and Markdown files in this folder (see README.md).

Owns reading and validating the files: every error names the file and the field. `manage.py load_demo`
turns what `read_demo()` returns into rows.
"""

import datetime
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.models import AssetKind, AssetStatus, RequestPriority, RequestStatus
from content.taxonomy_defaults import FUNNEL_STAGES, PERSONAS

__all__ = ["DEMO_DIR", "DemoData", "DemoDataError", "RelativeDate", "read_demo"]

DEMO_DIR = Path(__file__).resolve().parent

STAGE_SLUGS = [stage["slug"] for stage in FUNNEL_STAGES]
PERSONA_SLUGS = [persona["slug"] for persona in PERSONAS]
PROFILES = ["winner", "popular", "loser", "shelf"]
COMMENT_AUTHORS = ["requester", "assignee"]

# Front matter fields of an asset file, beyond those every asset has.
KIND_FIELDS = {
    AssetKind.CASE_STUDY: ["customer", "industry", "results", "quote", "quote_by"],
    AssetKind.BATTLE_CARD: ["competitor", "strengths", "weaknesses", "landmines", "how_we_win"],
    AssetKind.OBJECTION: ["objection", "response"],
}
COMMON_FIELDS = ["kind", "title", "summary", "stages", "personas", "competitors", "tags", "proof", "profile"]
DATE_FIELDS = ["status", "published", "expires"]
REQUIRED_FIELDS = ["kind", "title", "stages", "personas", "tags"]


class DemoDataError(ValueError):
    """A demo data file that cannot be loaded; the message names the file and the field."""

    def __init__(self, path, field, problem):
        where = f"{path.name}: {field}" if field else path.name
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class RelativeDate:
    """A day counted from today: `-120d`, `+9d`, or a range `-330d..-290d` drawn by the seeded generator."""

    low: int
    high: int

    PATTERN = re.compile(r"^([+-]?\d+)d(?:\.\.([+-]?\d+)d)?$")

    @classmethod
    def parse(cls, text):
        match = cls.PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"{text!r} is not a relative date such as -120d, +30d or -330d..-290d")
        low = int(match[1])
        high = int(match[2]) if match[2] is not None else low
        if low > high:
            raise ValueError(f"{text!r} is a range whose first day comes after its last")
        return cls(low, high)

    def resolve(self, today: datetime.date, rng: random.Random) -> datetime.date:
        """The day this stands for; a range consumes one draw of `rng`, a single day none."""
        if self.low == self.high:
            return today + datetime.timedelta(days=self.low)
        if self.high <= 0:  # counted back from today, as "between 290 and 330 days ago"
            return today - datetime.timedelta(days=rng.randint(-self.high, -self.low))
        return today + datetime.timedelta(days=rng.randint(self.low, self.high))


@dataclass
class DemoData:
    password: str
    logins: list  # (username, first name, last name, group), printed by load_demo
    reps: list  # (username, first name, last name)
    marketers: list
    library_use: dict  # rep username -> share of their deals in which they log content
    competitors: list  # {"name", "website", "description"}
    account_prefixes: list
    account_suffixes: list  # (suffix, industry)
    deal_motions: list  # (motion, product line)
    open_deal_stages: list  # (CRM stage name, funnel stage slug)
    won_stage: tuple
    lost_stage: tuple
    usage_notes: list
    assets: list  # (kind, spec), in load order; spec["key"] is the file's name without .md
    requests: list
    follow_up_comments: dict  # request status -> (author role, text)
    search_queries: list  # (query, weight)
    zero_result_queries: list
    search_filters: list


def read_demo(directory: Path = DEMO_DIR) -> DemoData:
    """Every demo data file under `directory`, read and checked; raises DemoDataError on the first problem."""
    people = _read_yaml(directory / "people.yaml")
    deals = _read_yaml(directory / "deals.yaml")
    searches = _read_yaml(directory / "searches.yaml")
    competitors = _read_yaml(directory / "competitors.yaml")
    competitor_names = [c["name"] for c in competitors]
    assets = _read_assets(directory, competitor_names)
    requests_file = _read_yaml(directory / "requests.yaml")
    requests = _read_requests(directory / "requests.yaml", requests_file, competitor_names, assets)

    def person(entry, group=None):
        row = (entry["username"], entry["first_name"], entry["last_name"])
        return (*row, entry["group"]) if group else row

    def stage(entry, path, field):
        _check_choice(path, field, entry["funnel_stage"], STAGE_SLUGS, "stage")
        return (entry["crm_stage"], entry["funnel_stage"])

    deals_path = directory / "deals.yaml"
    people_path = directory / "people.yaml"
    sales = [entry for entry in people["logins"] if entry.get("group") == "Sales"] + people["reps"]
    library_use = {}
    for entry in sales:
        share = entry.get("library_use")
        if not isinstance(share, int | float) or not 0 <= share <= 1:
            raise DemoDataError(people_path, f"{entry['username']}.library_use", "must be a share from 0 to 1")
        library_use[entry["username"]] = float(share)
    return DemoData(
        password=people["password"],
        logins=[person(entry, group=True) for entry in people["logins"]],
        reps=[person(entry) for entry in people["reps"]],
        marketers=[person(entry) for entry in people["marketers"]],
        library_use=library_use,
        competitors=competitors,
        account_prefixes=deals["account_prefixes"],
        account_suffixes=[(entry["suffix"], entry["industry"]) for entry in deals["account_suffixes"]],
        deal_motions=[(entry["name"], entry["product_line"]) for entry in deals["motions"]],
        open_deal_stages=[stage(entry, deals_path, "open_stages") for entry in deals["open_stages"]],
        won_stage=stage(deals["won_stage"], deals_path, "won_stage"),
        lost_stage=stage(deals["lost_stage"], deals_path, "lost_stage"),
        usage_notes=_read_yaml(directory / "usage.yaml")["notes"],
        assets=assets,
        requests=requests,
        follow_up_comments={
            status: (comment["by"], comment["text"]) for status, comment in requests_file["follow_up_comments"].items()
        },
        search_queries=[(q["query"], q["weight"]) for q in searches["queries"]],
        zero_result_queries=[(q["query"], q["weight"]) for q in searches["zero_result_queries"]],
        search_filters=searches["filters"],
    )


# --- files ---------------------------------------------------------------------------------------


def _read_yaml(path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(path, None, "file not found") from None
    except yaml.YAMLError as error:
        raise DemoDataError(path, None, f"not valid YAML ({error})") from None


def _read_front_matter(path):
    """(front matter, Markdown body) of a file that opens with a YAML block between two `---` lines."""
    text = path.read_text(encoding="utf-8")
    opening, _, rest = text.partition("\n")
    front, separator, body = rest.partition("\n---\n")
    if opening.strip() != "---" or not separator:
        raise DemoDataError(path, None, "must open with YAML front matter between two '---' lines")
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as error:
        raise DemoDataError(path, None, f"front matter is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise DemoDataError(path, None, "front matter must be a mapping of field: value")
    return meta, body.strip()


def _check_choice(path, field, value, choices, what):
    if value not in choices:
        raise DemoDataError(path, field, f"unknown {what} {value!r} (known: {', '.join(map(str, choices))})")


def _check_choices(path, field, values, choices, what):
    if not isinstance(values, list):
        raise DemoDataError(path, field, f"must be a list, not {values!r}")
    for value in values:
        _check_choice(path, field, value, choices, what)


def _relative_date(path, field, value):
    try:
        return RelativeDate.parse(value)
    except ValueError as error:
        raise DemoDataError(path, field, str(error)) from None


# --- assets --------------------------------------------------------------------------------------


def _read_assets(directory, competitor_names):
    """The assets in the order assets.yaml lists them: the seeded generator draws in that order."""
    order_path = directory / "assets.yaml"
    keys = _read_yaml(order_path)["order"]
    files = {path.stem: path for path in (directory / "assets").glob("*.md")}
    unlisted = sorted(set(files) - set(keys))
    if unlisted:
        raise DemoDataError(order_path, "order", f"asset files not listed: {', '.join(unlisted)}")
    assets = []
    for key in keys:
        if key not in files:
            raise DemoDataError(order_path, "order", f"no file assets/{key}.md")
        assets.append(_read_asset(files[key], competitor_names))
    known = set(keys)
    for _, spec in assets:
        path = files[spec["key"]]
        for proof in spec.get("proof", []):
            _check_choice(path, "proof", proof, known, "asset")
    return assets


def _read_asset(path, competitor_names):
    meta, body = _read_front_matter(path)
    kind = meta.get("kind")
    _check_choice(path, "kind", kind, AssetKind.values, "kind")
    for field in REQUIRED_FIELDS:
        if field not in meta:
            raise DemoDataError(path, field, "missing")
    allowed = COMMON_FIELDS + DATE_FIELDS + KIND_FIELDS.get(kind, [])
    for field in meta:
        if field not in allowed:
            raise DemoDataError(path, field, f"not a field of a {kind} asset")
    _check_choices(path, "stages", meta["stages"], STAGE_SLUGS, "stage")
    _check_choices(path, "personas", meta["personas"], PERSONA_SLUGS, "persona")
    _check_choices(path, "competitors", meta.get("competitors", []), competitor_names, "competitor")
    if "competitor" in meta:
        _check_choice(path, "competitor", meta["competitor"], competitor_names, "competitor")
    if "profile" in meta:
        _check_choice(path, "profile", meta["profile"], PROFILES, "profile")
    status = meta.get("status", AssetStatus.PUBLISHED)
    _check_choice(path, "status", status, AssetStatus.values, "status")
    for field in ("published", "expires"):
        if field in meta:
            if status != AssetStatus.PUBLISHED:
                raise DemoDataError(path, field, f"only a published asset has this date, not a {status} one")
            meta[field] = _relative_date(path, field, meta[field])
    for field in KIND_FIELDS.get(kind, []):
        if field not in meta:
            raise DemoDataError(path, field, f"missing (every {kind} has it)")
    if not body:
        raise DemoDataError(path, "body", "missing: the Markdown after the front matter is empty")

    spec = {"key": path.stem, **meta}
    if kind == AssetKind.CASE_STUDY:
        spec["body"] = case_study_body(spec, body)
    else:
        spec["body"] = body
    if "summary" not in spec:
        if kind != AssetKind.OBJECTION:
            raise DemoDataError(path, "summary", "missing")
        # an objection entry's summary is the first sentence of its approved response
        spec["summary"] = spec["response"].split(". ")[0].rstrip(".") + "."
    return kind, spec


def case_study_body(spec: dict, story: str) -> str:
    """The Markdown body of a case study: its customer and industry, its story, results and quote."""
    results = "\n".join(f"- {line}" for line in spec["results"].splitlines())
    return (
        f"**Customer:** {spec['customer']}  \n**Industry:** {spec['industry']}\n\n"
        f"{story}\n\n"
        f"## The results\n\n{results}\n\n"
        f'> "{spec["quote"]}"\n>\n> {spec["quote_by"]}'
    )


# --- requests ------------------------------------------------------------------------------------


def _read_requests(path, data, competitor_names, assets):
    asset_keys = {spec["key"] for _, spec in assets}
    request_keys = [entry.get("key") for entry in data["requests"]]
    requests = []
    for number, entry in enumerate(data["requests"], start=1):
        label = f"requests[{number}] ({entry.get('key', 'no key')})"
        spec = dict(entry)
        _check_choice(path, f"{label}.status", spec.get("status"), RequestStatus.values, "status")
        _check_choice(path, f"{label}.priority", spec.get("priority"), RequestPriority.values, "priority")
        if "kind" in spec:
            _check_choice(path, f"{label}.kind", spec["kind"], AssetKind.values, "kind")
        if "stage" in spec:
            _check_choice(path, f"{label}.stage", spec["stage"], STAGE_SLUGS, "stage")
        if "persona" in spec:
            _check_choice(path, f"{label}.persona", spec["persona"], PERSONA_SLUGS, "persona")
        if "competitor" in spec:
            _check_choice(path, f"{label}.competitor", spec["competitor"], competitor_names, "competitor")
        if spec["status"] == RequestStatus.DELIVERED:
            _check_choice(path, f"{label}.delivered", spec.get("delivered"), asset_keys, "asset")
        if spec["status"] == RequestStatus.DUPLICATE:
            _check_choice(path, f"{label}.duplicate_of", spec.get("duplicate_of"), request_keys, "request")
        if "comments" in spec:
            for comment in spec["comments"]:
                _check_choice(path, f"{label}.comments", comment.get("by"), COMMENT_AUTHORS, "author")
            spec["comments"] = [(comment["by"], comment["text"]) for comment in spec["comments"]]
        requests.append(spec)
    return requests
