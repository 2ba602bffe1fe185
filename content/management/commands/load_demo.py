"""`manage.py load_demo`: fill an empty database with the deterministic demo data set.

Owns turning the files of content/demo/ into rows: dates, volumes and outcomes are drawn from a seeded
random generator relative to today, so every run on an empty database tells the same story.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from content.assets import asset_create, asset_update, asset_verify
from content.audit import audit_event
from content.demo import DemoData, DemoDataError, RelativeDate, read_demo
from content.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Competitor,
    ContentRequest,
    Deal,
    DealStatus,
    FunnelStage,
    Notification,
    Persona,
    RequestComment,
    RequestEvent,
    RequestStatus,
    RequestSupport,
    SearchLog,
    ShareLink,
    ShareLinkAsset,
    ShareView,
    Usage,
    UsageAction,
    default_verification_days,
)
from content.sharing import EXTERNAL_KINDS
from content.support import refresh_support
from content.taxonomy_defaults import FUNNEL_STAGES, PERSONAS

SEED = 2026
DEAL_COUNT = 300
USAGE_COUNT = 3000
SEARCH_COUNT = 200
DEAL_STATUS_COUNTS = {DealStatus.WON: 105, DealStatus.LOST: 90, DealStatus.OPEN: 105}

# For an asset of each profile, the chance that a given use of it is in a won, lost or open deal: a
# winner wins about four deals in five where it is used, a popular or ordinary asset about as often
# as the baseline (its odds of a win are drawn per asset around these), a loser one in four.
DEAL_STATUS_ODDS = {
    "winner": {DealStatus.WON: 0.56, DealStatus.LOST: 0.09, DealStatus.OPEN: 0.35},
    "popular": {DealStatus.WON: 0.33, DealStatus.LOST: 0.30, DealStatus.OPEN: 0.37},
    "loser": {DealStatus.WON: 0.15, DealStatus.LOST: 0.47, DealStatus.OPEN: 0.38},
    None: {DealStatus.WON: 0.33, DealStatus.LOST: 0.30, DealStatus.OPEN: 0.37},
}
NEUTRAL_WIN_SPREAD = (0.8, 1.2)  # an ordinary asset's odds of a win, times a factor drawn in this range
PROFILE_POPULARITY = {"winner": 3.0, "popular": 5.0, "loser": 1.5, None: 1.0}
# An asset written against competitors is used in deals against one of them this often.
COMPETITOR_DEAL_SHARE = 0.85
SHARE_LINK_COUNT = 24
COMPETITOR_ODDS = {"Highbeam": 35, "Seismix": 20, "Showcase Pro": 15, "Guidewell": 20, "Klueless": 10}

# The way each request reached its status (one variant is drawn per request).
REQUEST_PATHS = {
    RequestStatus.NEW: [["new"]],
    RequestStatus.TRIAGED: [["new", "triaged"]],
    RequestStatus.ACCEPTED: [["new", "triaged", "accepted"], ["new", "accepted"]],
    RequestStatus.DECLINED: [["new", "declined"], ["new", "triaged", "declined"]],
    RequestStatus.DUPLICATE: [["new", "duplicate"]],
    RequestStatus.IN_PROGRESS: [["new", "triaged", "accepted", "in_progress"], ["new", "accepted", "in_progress"]],
    RequestStatus.DELIVERED: [
        ["new", "accepted", "in_progress", "delivered"],
        ["new", "triaged", "accepted", "in_progress", "delivered"],
    ],
}
REQUEST_AGE_DAYS = {  # how long ago requests in each status were submitted
    RequestStatus.NEW: (0, 4),
    RequestStatus.TRIAGED: (1, 3),
    RequestStatus.ACCEPTED: (10, 45),
    RequestStatus.IN_PROGRESS: (15, 60),
    RequestStatus.DECLINED: (7, 85),
}
LATE_TRIAGE_SHARE = 0.15  # requests first triaged after the SLA's business days, not within them
# Open requests being made are due between a week ago and a month ahead: some overdue, most on time.
OPEN_NEEDED_BY_DAYS = (-7, 30)
EVENT_NOTES = {
    "triaged": "Looked at it; checking what we already have.",
    "accepted": "Accepted for this month's content plan.",
    "in_progress": "Drafting now.",
}


def add_business_days(day: datetime.date, count: int) -> datetime.date:
    while count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@dataclass
class AssetInfo:
    asset: Asset
    spec: dict
    stage_slugs: list
    persona_slugs: list
    competitor_slugs: list
    first_use: datetime.date | None = None
    last_use: datetime.date | None = None


@dataclass
class DealInfo:
    crm_id: str
    status: str
    owner: object
    start: datetime.date
    close: datetime.date | None
    amount: Decimal
    pk: int | None = None
    extras: dict = field(default_factory=dict)


class DemoLoader:
    def __init__(self, data: DemoData):
        self.data = data
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.yesterday = self.today - datetime.timedelta(days=1)
        # every generated moment lies before today began, so the data never reaches into the future
        self.cutoff = self.at_time(self.today, 0, 0) - datetime.timedelta(minutes=1)
        self.counts = {}

    # --- time helpers ------------------------------------------------------------------------

    @staticmethod
    def at_time(day, hour, minute):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def at(self, day):
        """A working-hours moment on `day`."""
        return self.at_time(day, self.rng.randint(8, 18), self.rng.randrange(60))

    def days_ago(self, low, high):
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def capped(self, moment):
        return min(moment, self.cutoff)

    @staticmethod
    def publication_window(spec, delivered_keys):
        """When a published asset whose file names no `published` date came out: assets a request asked
        for lately, the ones that won or lost deals long enough to show it, the rest any time in the past year."""
        if spec["key"] in delivered_keys:
            return RelativeDate(-60, -15)
        if spec.get("profile") in ("winner", "loser"):
            return RelativeDate(-360, -200)
        return RelativeDate(-365, -20)

    # --- loading -----------------------------------------------------------------------------

    def load(self):
        self.load_taxonomy()
        self.load_users()
        self.load_competitors()
        self.load_assets()
        self.load_deals()
        self.load_usages()
        self.load_requests()
        self.load_searches()
        self.load_share_links()
        refresh_support()
        return self.counts

    def load_taxonomy(self):
        self.stages = {stage.slug: stage for stage in FunnelStage.objects.all()}
        self.personas = {persona.slug: persona for persona in Persona.objects.all()}
        missing = {s["slug"] for s in FUNNEL_STAGES} - set(self.stages)
        missing |= {p["slug"] for p in PERSONAS} - set(self.personas)
        if missing:
            raise CommandError(f"Seeded taxonomy missing ({', '.join(sorted(missing))}); run migrate first.")

    def load_users(self):
        user_model = get_user_model()
        groups = {group.name: group for group in Group.objects.all()}
        password = make_password(self.data.password)  # hashed once: hashing 16 times costs seconds
        people = list(self.data.logins)
        people += [(u, f, last, "Sales") for u, f, last in self.data.reps]
        people += [(u, f, last, "Marketing") for u, f, last in self.data.marketers]
        created = 0
        self.users = {}
        for username, first, last, group in people:
            user, was_created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "password": password,
                },
            )
            user.groups.add(groups[group])
            created += was_created
            self.users[username] = (user, group)
        self.reps = [user for user, group in self.users.values() if group == "Sales"]
        self.library_use = {user.pk: self.data.library_use[user.username] for user in self.reps}
        self.marketers = [user for user, group in self.users.values() if group == "Marketing"]
        self.rep = self.users["rep"][0]
        self.counts["users"] = created

    def load_competitors(self):
        created = 0
        self.competitors = {}
        for spec in self.data.competitors:
            competitor, was_created = Competitor.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "slug": slugify(spec["name"]),
                    "description": spec["description"],
                    "website": spec["website"],
                },
            )
            created += was_created
            self.competitors[spec["name"]] = competitor
        self.counts["competitors"] = created

    def load_assets(self):
        rng = self.rng
        delivered_keys = {spec["delivered"] for spec in self.data.requests if spec.get("delivered")}
        self.assets = {}
        backdated = {}
        for kind, spec in self.data.assets:
            status = spec.get("status", AssetStatus.PUBLISHED)
            interval = default_verification_days(kind)
            dates = {"published_at": None, "verified_at": None, "planned_publish_date": None, "expires_on": None}
            created_on = self.days_ago(3, 40)
            if status == AssetStatus.PUBLISHED:
                published = spec.get("published") or self.publication_window(spec, delivered_keys)
                if published.low > 0:  # scheduled: released that morning, finished a few days ago
                    release_on = published.resolve(self.today, rng)
                    dates["published_at"] = self.at_time(release_on, 9, 0)
                    dates["planned_publish_date"] = release_on
                    published_on = self.days_ago(2, 10)
                else:
                    published_on = published.resolve(self.today, rng)
                    if spec.get("expires"):
                        dates["expires_on"] = spec["expires"].resolve(self.today, rng)
                    dates["published_at"] = self.at(published_on)
                    if (self.today - published_on).days > interval + 10 and rng.random() < 0.35:
                        verified_on = max(published_on, self.days_ago(interval + 3, interval + 45))  # stale
                    else:
                        verified_on = max(published_on, self.days_ago(1, interval - 5))
                    dates["verified_at"] = self.at(verified_on)
                created_on = published_on - datetime.timedelta(days=rng.randint(5, 30))
            elif status == AssetStatus.IN_REVIEW:
                dates["planned_publish_date"] = self.today + datetime.timedelta(days=rng.randint(5, 35))
            elif status == AssetStatus.DRAFT:
                if rng.random() < 0.6:
                    dates["planned_publish_date"] = self.today + datetime.timedelta(days=rng.randint(30, 60))
            else:  # archived: published long ago, since withdrawn
                dates["published_at"] = self.at(self.days_ago(420, 540))
                created_on = self.days_ago(560, 600)

            fields = {}
            if kind == AssetKind.CASE_STUDY:
                fields = {k: spec[k] for k in ("customer", "industry", "results")}
            elif kind == AssetKind.BATTLE_CARD:
                fields = {k: spec[k] for k in ("strengths", "weaknesses", "landmines", "how_we_win")}
            elif kind == AssetKind.OBJECTION:
                fields = {k: spec[k] for k in ("objection", "response")}
            competitor_names = list(spec.get("competitors", []))
            if spec.get("competitor"):
                competitor_names.append(spec["competitor"])
            # Written by the asset services, as a marketer would: the kind rules, the workflow and
            # the publish stamps are theirs; the owner created it and verified it.
            owner = rng.choice(self.marketers)
            verified_at = dates.pop("verified_at")
            asset = asset_create(
                actor=owner,
                kind=kind,
                status=status,
                owner=owner,
                title=spec["title"],
                summary=spec["summary"],
                body=spec["body"],
                stages=[self.stages[s] for s in spec["stages"]],
                personas=[self.personas[p] for p in spec["personas"]],
                competitors=[self.competitors[name] for name in competitor_names],
                tags=spec["tags"],
                **dates,
                **fields,
            )
            if verified_at:
                asset = asset_verify(asset=asset, actor=owner, now=verified_at)
            modified = verified_at or self.at(created_on + datetime.timedelta(days=rng.randint(0, 3)))
            backdated[asset.pk] = (self.at(created_on), self.capped(max(modified, self.at(created_on))))

            info = AssetInfo(asset, spec, spec["stages"], spec["personas"], [slugify(n) for n in competitor_names])
            if status == AssetStatus.PUBLISHED and asset.published_at <= self.cutoff:
                info.first_use = timezone.localdate(asset.published_at) + datetime.timedelta(days=1)
                last = asset.expires_on - datetime.timedelta(days=1) if asset.expires_on else self.yesterday
                info.last_use = min(last, self.yesterday)
            self.assets[spec["key"]] = info

        for info in self.assets.values():
            if keys := info.spec.get("proof", []):
                info.asset = asset_update(
                    actor=info.asset.owner,
                    asset=info.asset,
                    proof_points=[self.assets[key].asset for key in keys],
                )
        # The story's dates: when each asset was created and last changed (not an asset rule).
        for pk, (created_at, updated_at) in backdated.items():
            Asset.objects.filter(pk=pk).update(created_at=created_at, updated_at=updated_at)
        self.counts["assets"] = len(self.assets)

    def load_deals(self):
        rng = self.rng
        statuses = [status for status, count in DEAL_STATUS_COUNTS.items() for _ in range(count)]
        rng.shuffle(statuses)
        suffixes = self.data.account_suffixes
        accounts = [(f"{p} {s}", industry) for p in self.data.account_prefixes for s, industry in suffixes]
        accounts = rng.sample(accounts, 230)
        rep_weights = [1.6 if rep == self.rep else rng.uniform(0.6, 1.4) for rep in self.reps]
        persona_slugs = list(self.personas)
        persona_weights = [4 if slug == "economic-buyer" else 1 for slug in persona_slugs]
        competitor_names = list(COMPETITOR_ODDS)
        deals, self.deals = [], []
        for number, status in enumerate(statuses, start=101):
            owner = rng.choices(self.reps, rep_weights)[0]
            account, industry = rng.choice(accounts)
            amount = math.exp(rng.uniform(math.log(5_000), math.log(250_000)))
            amount = Decimal(min(250_000, max(5_000, round(amount / 500) * 500)))
            if status == DealStatus.OPEN:
                stage, funnel = rng.choice(self.data.open_deal_stages)
                close = self.today + datetime.timedelta(days=rng.randint(7, 150)) if rng.random() < 0.8 else None
                start = self.days_ago(10, 150)
            else:
                stage, funnel = self.data.won_stage if status == DealStatus.WON else self.data.lost_stage
                if status == DealStatus.LOST and rng.random() < 0.3:
                    funnel = "interested"
                # half the closed deals closed in the last four months: the reports' default period has a sample
                close = self.days_ago(1, 120) if rng.random() < 0.5 else self.days_ago(121, 364)
                start = close - datetime.timedelta(days=rng.randint(30, 140))
            info = DealInfo(f"006DEMO{number:06d}", status, owner, start, close, amount)
            info.extras["funnel"] = funnel
            # whether the owner logged the content they used in this deal: most reps usually do, a few rarely
            info.extras["logs_content"] = rng.random() < self.library_use[owner.pk]
            info.extras["personas"] = set(rng.choices(persona_slugs, persona_weights, k=rng.randint(1, 2)))
            chance = {DealStatus.WON: 0.45, DealStatus.LOST: 0.7, DealStatus.OPEN: 0.5}[status]
            info.extras["competitor"] = (
                rng.choices(competitor_names, list(COMPETITOR_ODDS.values()))[0] if rng.random() < chance else None
            )
            self.deals.append(info)
            motion, product_line = rng.choice(self.data.deal_motions)
            deals.append(
                Deal(
                    crm_id=info.crm_id,
                    name=f"{account} - {motion}",
                    account=account,
                    product_line=product_line,
                    industry=industry,
                    amount=amount,
                    currency="USD",
                    stage=stage,
                    funnel_stage=self.stages[funnel],
                    status=status,
                    close_date=close,
                    owner=owner,
                    owner_name=owner.get_full_name(),
                    source="demo",
                )
            )
        Deal.objects.bulk_create(deals, batch_size=500)
        pks = dict(Deal.objects.filter(source="demo").values_list("crm_id", "pk"))
        persona_links, competitor_links = [], []
        for info in self.deals:
            info.pk = pks[info.crm_id]
            persona_links += [
                Deal.personas.through(deal_id=info.pk, persona_id=self.personas[slug].pk)
                for slug in sorted(info.extras["personas"])
            ]
            if info.extras["competitor"]:
                competitor = self.competitors[info.extras["competitor"]]
                competitor_links.append(Deal.competitors.through(deal_id=info.pk, competitor_id=competitor.pk))
            created = self.at(info.start)
            updated = self.at(info.close) if info.close and info.close <= self.yesterday else created
            Deal.objects.filter(pk=info.pk).update(created_at=created, updated_at=max(created, updated))
        Deal.personas.through.objects.bulk_create(persona_links)
        Deal.competitors.through.objects.bulk_create(competitor_links)
        self.counts["deals"] = len(deals)

    def _usage_day(self, asset_info, deal):
        """A day the asset could have been used in the deal, or None when their lifetimes don't meet.
        A few uses of closed deals fall after the close date: they must not count as support."""
        rng = self.rng
        if deal.close and deal.status != DealStatus.OPEN and rng.random() < 0.04:
            day = deal.close + datetime.timedelta(days=rng.randint(1, 20))
            if asset_info.first_use <= day <= asset_info.last_use:
                return day, True
        end = asset_info.last_use if deal.status == DealStatus.OPEN else min(deal.close, asset_info.last_use)
        start = max(deal.start, asset_info.first_use)
        if start > end:
            return None, False
        return start + datetime.timedelta(days=rng.randint(0, (end - start).days)), False

    def _action(self, kind):
        rng = self.rng
        if kind == AssetKind.OBJECTION:
            return rng.choices([UsageAction.HEARD, UsageAction.SHARED, UsageAction.SENT], [6, 3, 1])[0]
        if kind == AssetKind.DECK:
            return UsageAction.PRESENTED if rng.random() < 0.7 else UsageAction.SHARED
        if kind == AssetKind.EMAIL_TEMPLATE:
            return UsageAction.SENT if rng.random() < 0.85 else UsageAction.SHARED
        return rng.choices([UsageAction.SHARED, UsageAction.SENT, UsageAction.PRESENTED], [5, 3, 2])[0]

    def load_usages(self):
        rng = self.rng
        usable = [info for info in self.assets.values() if info.first_use and info.spec.get("profile") != "shelf"]
        weights = [PROFILE_POPULARITY[info.spec.get("profile")] * rng.uniform(0.5, 1.5) for info in usable]
        odds_of = {}
        for info in usable:
            odds = dict(DEAL_STATUS_ODDS[info.spec.get("profile")])
            if info.spec.get("profile") in (None, "popular"):
                odds[DealStatus.WON] *= rng.uniform(*NEUTRAL_WIN_SPREAD)
            odds_of[info.spec["key"]] = odds
        # only the deals whose owner logged content in them (see library_use) get logged uses
        logging = [d for d in self.deals if d.extras["logs_content"]]
        by_status = {status: [d for d in logging if d.status == status] for status in DEAL_STATUS_COUNTS}
        against = {}
        for deal in logging:
            if deal.extras["competitor"]:
                against.setdefault((deal.status, slugify(deal.extras["competitor"])), []).append(deal)
        usages = []
        while len(usages) < USAGE_COUNT:
            info = rng.choices(usable, weights)[0]
            profile = info.spec.get("profile")
            odds = odds_of[info.spec["key"]]
            status = rng.choices(list(odds), list(odds.values()))[0]
            candidates = by_status[status]
            if info.competitor_slugs and rng.random() < COMPETITOR_DEAL_SHARE:
                rivals = [d for slug in info.competitor_slugs for d in against.get((status, slug), [])]
                candidates = rivals or candidates
            for _ in range(10):
                deal = rng.choice(candidates)
                day, after_close = self._usage_day(info, deal)
                if day:
                    break
            else:
                continue
            stages = [s for s in info.stage_slugs if s != "customer"] or info.stage_slugs
            stage = "customer" if after_close and status == DealStatus.WON else rng.choice(stages)
            helpful = None
            if rng.random() < 0.4:
                scores = {"winner": [3, 4, 4, 5, 5, 5], "loser": [1, 2, 2, 3, 3, 4]}.get(profile, [2, 3, 4, 4, 5])
                helpful = rng.choice(scores)
            usages.append(
                Usage(
                    asset_id=info.asset.pk,
                    deal_id=deal.pk,
                    user=deal.owner,
                    action=self._action(info.asset.kind),
                    stage=self.stages[stage],
                    used_at=self.at(day),
                    helpful=helpful,
                    note=rng.choice(self.data.usage_notes) if rng.random() < 0.12 else "",
                )
            )
        Usage.objects.bulk_create(usages, batch_size=500)
        Usage.objects.filter(deal__source="demo").update(created_at=F("used_at"))
        self.counts["usages"] = len(usages)

    def _event_times(self, path, created_at, end_at=None):
        """One moment per step of `path`: submission, first triage decision, then evenly to `end_at`."""
        times = [created_at]
        if len(path) > 1:
            late = self.rng.random() < LATE_TRIAGE_SHARE
            hours = self.rng.randint(100, 170) if late else self.rng.randint(2, 40)
            triaged = self.capped(created_at + datetime.timedelta(hours=hours))
            if end_at is not None:
                triaged = min(triaged, end_at - datetime.timedelta(hours=len(path)))
            times.append(triaged)
        if len(path) > 2:
            end = end_at or self.capped(times[1] + datetime.timedelta(days=self.rng.randint(4, 20)))
            steps = len(path) - 2
            times += [times[1] + (end - times[1]) * (i / steps) for i in range(1, steps + 1)]
        return times

    def load_requests(self):
        rng = self.rng
        other_reps = [rep for rep in self.reps if rep != self.rep]
        open_deals = {}
        for info in self.deals:
            if info.status == DealStatus.OPEN:
                open_deals.setdefault(info.owner.pk, []).append(info)
        requests, submitted, events, comments, notifications = {}, {}, [], [], []
        ordered = sorted(self.data.requests, key=lambda spec: spec["status"] == RequestStatus.DUPLICATE)
        for spec in ordered:
            status = spec["status"]
            requester = self.rep if spec.get("requester") == "rep" else rng.choice(other_reps)
            assignee = rng.choice(self.marketers) if status != RequestStatus.NEW else None
            delivered_asset = delivered_at = duplicate_of = None
            if status == RequestStatus.DELIVERED:
                delivered_asset = self.assets[spec["delivered"]].asset
                delivered_at = delivered_asset.published_at
                created_at = delivered_at - datetime.timedelta(days=rng.randint(12, 30), hours=rng.randint(0, 6))
            elif status == RequestStatus.DUPLICATE:
                duplicate_of = requests[spec["duplicate_of"]]
                original_day = timezone.localdate(submitted[spec["duplicate_of"]])
                created_at = self.at(min(original_day + datetime.timedelta(days=rng.randint(1, 8)), self.yesterday))
            else:
                created_at = self.at(self.days_ago(*REQUEST_AGE_DAYS[status]))
            path = rng.choice(REQUEST_PATHS[status])
            times = self._event_times(path, created_at, delivered_at)
            deal = None
            if spec.get("deal") and open_deals.get(requester.pk):
                deal = rng.choice(open_deals[requester.pk]).pk
            created_on = timezone.localdate(created_at)
            request = ContentRequest.objects.create(
                title=spec["title"],
                description=spec["description"],
                kind=spec.get("kind", ""),
                stage=self.stages.get(spec.get("stage")),
                persona=self.personas.get(spec.get("persona")),
                competitor=self.competitors.get(spec.get("competitor")),
                deal_id=deal,
                needed_by=self._needed_by(status, created_on),
                requester=requester,
                assignee=assignee,
                priority=spec["priority"],
                status=status,
                decline_reason=spec.get("decline_reason", ""),
                duplicate_of=duplicate_of,
                delivered_asset=delivered_asset,
                triage_due=add_business_days(created_on, 2),
                triaged_at=times[1] if len(times) > 1 else None,
                delivered_at=delivered_at,
            )
            requests[spec["key"]] = request
            submitted[spec["key"]] = created_at
            ContentRequest.objects.filter(pk=request.pk).update(created_at=created_at, updated_at=times[-1])

            for step, (to_status, moment) in enumerate(zip(path, times, strict=True)):
                note = EVENT_NOTES.get(to_status, "")
                if to_status == RequestStatus.DECLINED:
                    note = spec["decline_reason"]
                elif to_status == RequestStatus.DUPLICATE:
                    note = f'Same need as "{duplicate_of.title}"; please +1 that one instead.'
                elif to_status == RequestStatus.DELIVERED:
                    note = f"Published: {delivered_asset.title}"
                actor = requester if step == 0 else assignee
                from_status = path[step - 1] if step else ""
                events.append(
                    (
                        RequestEvent(
                            request=request, actor=actor, from_status=from_status, to_status=to_status, note=note
                        ),
                        moment,
                    )
                )
                if step:
                    label = RequestStatus(to_status).label.lower()
                    read_at = None
                    if moment < self.cutoff - datetime.timedelta(days=7):
                        read_at = moment + datetime.timedelta(hours=5)
                    notifications.append(
                        (
                            Notification(
                                user=requester,
                                request=request,
                                read_at=read_at,
                                message=f'Your request "{request.title}" is now {label}.',
                            ),
                            moment,
                        )
                    )
            moment = times[-1]  # comments follow the latest step
            follow_up = self.data.follow_up_comments.get(status)
            for role, body in spec.get("comments") or ([follow_up] if follow_up else []):
                moment = self.capped(moment + datetime.timedelta(hours=rng.randint(3, 48)))
                author = requester if role == "requester" else (assignee or rng.choice(self.marketers))
                comments.append((RequestComment(request=request, author=author, body=body), moment))

        supports = self._supports(requests, submitted, other_reps, open_deals)
        for model, rows in (
            (RequestEvent, events),
            (Notification, notifications),
            (RequestComment, comments),
            (RequestSupport, supports),
        ):
            objs = model.objects.bulk_create([obj for obj, _ in rows])
            for obj, (_, moment) in zip(objs, rows, strict=True):
                model.objects.filter(pk=obj.pk).update(created_at=moment)
        self.counts["requests"] = len(requests)

    def _needed_by(self, status, created_on):
        if status in (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS):
            due = self.today + datetime.timedelta(days=self.rng.randint(*OPEN_NEEDED_BY_DAYS))
            return max(due, created_on + datetime.timedelta(days=7))
        return created_on + datetime.timedelta(days=self.rng.randint(14, 45))

    def _supports(self, requests, submitted, other_reps, open_deals):
        """A few "+1"s on open requests, some naming the supporter's own deal."""
        rng = self.rng
        open_keys = [key for key, request in requests.items() if request.is_open]
        rows = []
        for key in rng.sample(open_keys, 8):
            request = requests[key]
            candidates = [u for u in [self.rep, *other_reps] if u.pk != request.requester_id]
            backers = rng.sample(candidates, rng.randint(1, 3))
            for user in backers:
                deals = open_deals.get(user.pk)
                deal_id = rng.choice(deals).pk if deals and rng.random() < 0.5 else None
                moment = self.capped(submitted[key] + datetime.timedelta(hours=rng.randint(4, 120)))
                rows.append((RequestSupport(request=request, user=user, deal_id=deal_id), moment))
        return rows

    def load_searches(self):
        rng = self.rng
        now = timezone.now()
        released = [info for info in self.assets.values() if info.asset.is_released(now)]
        queries = self.data.search_queries + self.data.zero_result_queries
        searchers = self.reps + self.marketers
        weights = [3 if user in self.reps else 1 for user in searchers]
        logs, stamps = [], []
        for _ in range(SEARCH_COUNT):
            roll = rng.random()
            query = "" if roll < 0.1 else rng.choices([q for q, _ in queries], [w for _, w in queries])[0]
            filters = dict(rng.choice(self.data.search_filters)) if roll < 0.2 else {}
            matches = [info.asset for info in released if self._matches(info, query, filters)]
            clicked = rng.choice(matches[:5]) if matches and rng.random() < 0.55 else None
            logs.append(
                SearchLog(
                    user=rng.choices(searchers, weights)[0],
                    query=query,
                    filters=filters,
                    result_count=len(matches),
                    clicked_asset=clicked,
                )
            )
            stamps.append(self.at(self.days_ago(1, 90)))
        SearchLog.objects.bulk_create(logs)
        for log, moment in zip(logs, stamps, strict=True):
            SearchLog.objects.filter(pk=log.pk).update(created_at=moment)
        self.counts["searches"] = len(logs)

    def load_share_links(self):
        """A few tracked links the library's regular users sent, most opened by their buyer: each first
        view of an asset is a buyer-viewed use in the deal, as content.sharing records it."""
        rng = self.rng
        shareable = [
            info
            for info in self.assets.values()
            if info.first_use and info.asset.kind in EXTERNAL_KINDS and info.spec.get("profile") != "shelf"
        ]
        senders = [d for d in self.deals if d.extras["logs_content"]]
        links, items, views, uses, stamps = [], [], [], [], []
        for deal in rng.sample(senders, SHARE_LINK_COUNT):
            end = deal.close if deal.close and deal.status != DealStatus.OPEN else self.yesterday
            day = deal.start + datetime.timedelta(days=rng.randint(0, max(0, (end - deal.start).days - 1)))
            fits = [info for info in shareable if info.first_use <= day <= info.last_use]
            if not fits:
                continue
            chosen = rng.sample(fits, min(len(fits), rng.randint(1, 3)))
            sent_at = self.capped(self.at(day))
            link = ShareLink(
                deal_id=deal.pk,
                created_by=deal.owner,
                created_at=sent_at,
                expires_at=sent_at + datetime.timedelta(days=30),
                note="As promised, the material we discussed.",
            )
            viewed = rng.random() < 0.75
            if viewed:
                # opened within three days, and before the deal closed, so the view supports it
                opened = min(sent_at + datetime.timedelta(hours=rng.randint(1, 72)), self.at_time(end, 23, 0))
                link.first_viewed_at = self.capped(max(opened, sent_at + datetime.timedelta(minutes=5)))
            links.append(link)
            for position, info in enumerate(chosen):
                items.append((link, info.asset, position))
                if viewed and (position == 0 or rng.random() < 0.6):
                    moment = link.first_viewed_at
                    visitor = f"demo{rng.randrange(16**8):08x}"
                    for repeat in range(rng.randint(1, 3)):
                        at = self.capped(moment + datetime.timedelta(hours=repeat * rng.randint(1, 30)))
                        views.append((link, info.asset, visitor, at, rng.randint(20, 400)))
                    uses.append(
                        Usage(
                            asset_id=info.asset.pk,
                            deal_id=deal.pk,
                            user=deal.owner,
                            action=UsageAction.BUYER_VIEWED,
                            stage=self.stages[deal.extras["funnel"]],
                            used_at=moment,
                            note="The buyer opened a tracked link.",
                        )
                    )
                    stamps.append(moment)
        ShareLink.objects.bulk_create(links)
        ShareLinkAsset.objects.bulk_create(
            [ShareLinkAsset(link=link, asset=asset, position=position) for link, asset, position in items]
        )
        ShareView.objects.bulk_create(
            [
                ShareView(link=link, asset=asset, visitor=visitor, viewed_at=at, seconds=seconds)
                for link, asset, visitor, at, seconds in views
            ]
        )
        for usage in Usage.objects.bulk_create(uses):
            Usage.objects.filter(pk=usage.pk).update(created_at=usage.used_at)
        self.counts["share_links"] = len(links)
        self.counts["buyer_views"] = len(uses)

    @staticmethod
    def _matches(info, query, filters):
        asset = info.asset
        if query and not any(query in text.lower() for text in (asset.title, asset.summary, asset.body)):
            return False
        return (
            filters.get("kind", asset.kind) == asset.kind
            and (not filters.get("stage") or filters["stage"] in info.stage_slugs)
            and (not filters.get("persona") or filters["persona"] in info.persona_slugs)
            and (not filters.get("competitor") or filters["competitor"] in info.competitor_slugs)
        )


class Command(BaseCommand):
    help = (
        "Load the deterministic demo data set (people, competitors, ~60 assets, 300 deals, 3,000 usages, "
        "40 content requests, 200 searches, a few tracked links with buyer views) into a database that has no "
        "assets yet; otherwise change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Accepted for compatibility: the command only ever loads into a database without assets.",
        )

    def handle(self, *args, **options):
        try:
            data = read_demo()
        except DemoDataError as error:
            raise CommandError(f"Demo data file invalid: {error}") from None
        if Asset.objects.exists() or Deal.objects.filter(source="demo").exists():
            self.stdout.write("Demo data already present; nothing changed.")
            self._print_logins(data)
            return
        with transaction.atomic():
            counts = DemoLoader(data).load()
            # the loader's writes are mostly in bulk (no model signal for a diff): one event says what it made
            audit_event(actor=None, verb="data.loaded", command="load_demo", **counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {counts['users']} users, {counts['competitors']} competitors, {counts['assets']} assets, "
                f"{counts['deals']} deals, {counts['usages']} usages, {counts['requests']} requests, "
                f"{counts['searches']} searches, {counts['share_links']} tracked links "
                f"({counts['buyer_views']} buyer views)."
            )
        )
        self._print_logins(data)

    def _print_logins(self, data):
        self.stdout.write(f"Demo logins (password {data.password}):")
        for username, first, last, group in data.logins:
            self.stdout.write(f"  {username:<9} {first} {last} ({group})")
