"""A large, realistic synthetic data set for benchmarks: assets written from a vocabulary of sales
topics, deals, usages, requests and search logs, loaded in batches."""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from content.assets import asset_stamps
from content.audit import audit_event
from content.caching import reports_changed
from content.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Competitor,
    ContentRequest,
    Deal,
    DealStatus,
    FunnelStage,
    Persona,
    SearchLog,
    Usage,
    UsageAction,
    default_verification_days,
)
from content.search import rebuild_index

BATCH = 5000
COMPETITORS = [
    "Acme Analytics",
    "Globex",
    "Initech",
    "Umbrella Cloud",
    "Hooli",
    "Vandelay Data",
    "Stark Systems",
    "Wayne Software",
    "Cyberdyne",
    "Soylent Labs",
    "Tyrell Platform",
    "Wonka Metrics",
]
INDUSTRIES = [
    "healthcare",
    "banking",
    "insurance",
    "retail",
    "manufacturing",
    "logistics",
    "telecom",
    "public sector",
    "education",
    "energy",
    "media",
    "hospitality",
    "pharma",
    "automotive",
]
TOPICS = [
    "pricing",
    "security review",
    "implementation timeline",
    "data migration",
    "integration",
    "total cost of ownership",
    "return on investment",
    "onboarding",
    "compliance",
    "single sign-on",
    "reporting",
    "analytics",
    "forecasting",
    "pipeline visibility",
    "renewal",
    "expansion",
    "procurement",
    "legal review",
    "uptime",
    "support",
    "scalability",
    "change management",
    "executive sponsorship",
    "budget approval",
    "proof of concept",
    "customer success",
    "discounting",
    "multi-year contracts",
    "payment terms",
    "vendor consolidation",
    "shadow IT",
    "audit trail",
    "data residency",
    "encryption",
    "penetration testing",
    "disaster recovery",
    "mobile access",
    "offline mode",
    "API limits",
    "webhooks",
    "workflow automation",
    "approvals",
    "dashboards",
    "alerting",
    "machine learning",
    "data quality",
    "master data",
    "governance",
    "role-based access",
    "user adoption",
    "training",
    "admin overhead",
    "time to value",
    "headcount savings",
    "license true-up",
    "seat expansion",
    "churn risk",
    "quarterly business review",
    "executive briefing",
    "reference calls",
    "pilot success criteria",
    "mutual action plan",
    "champion building",
    "stakeholder mapping",
    "competitive displacement",
    "switching costs",
    "contract renewal",
    "price increase",
    "usage-based pricing",
    "free trial",
    "partner ecosystem",
    "marketplace listing",
    "accessibility",
    "localization",
]
PRODUCTS = ["Insights", "Workflow", "Connect", "Vault", "Pulse"]
OBJECTIONS = [
    "It is too expensive",
    "We already use a competitor",
    "We have no budget this quarter",
    "Security will never approve it",
    "Implementation takes too long",
    "We built this in house",
    "Our data is too messy",
    "We need single sign-on first",
    "Legal needs a custom contract",
]
SENTENCES = [
    "Our customers in {industry} cut {topic} effort by {pct}% within {weeks} weeks.",
    "When {competitor} comes up, lead with {topic} and ask about their {topic2} roadmap.",
    "The {persona} cares about {topic} and wants proof from a {industry} reference.",
    "{product} shortens {topic} from months to days, with {pct}% fewer manual steps.",
    "Buyers evaluating {competitor} often worry about {topic2}; answer with the {industry} case study.",
    "Bring the {persona} into the {topic} conversation early, before procurement starts.",
    "A {industry} team replaced {competitor} and saw {pct}% faster {topic}.",
    "Use this during {stage} to move the deal forward on {topic}.",
    "Landmine: ask how {competitor} handles {topic2} at scale and who owns the migration.",
    "The response: acknowledge the concern about {topic}, quantify the cost of waiting, then share proof.",
]
KIND_WEIGHTS = {
    AssetKind.CASE_STUDY: 30,
    AssetKind.BATTLE_CARD: 15,
    AssetKind.ONE_PAGER: 20,
    AssetKind.OBJECTION: 15,
    AssetKind.DECK: 8,
    AssetKind.EMAIL_TEMPLATE: 7,
    AssetKind.COMPARISON_GUIDE: 5,
}


class Command(BaseCommand):
    help = (
        "Generate a large synthetic data set (assets, deals, usages, requests, search logs) for benchmarks, "
        "then build the search index in one statement and store the support figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--assets", type=int, default=1000)
        parser.add_argument("--deals", type=int, default=500)
        parser.add_argument("--usages", type=int, default=5000)
        parser.add_argument("--requests", type=int, default=100)
        parser.add_argument("--searches", type=int, default=1000)
        parser.add_argument("--reps", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        self.today = timezone.localdate()
        with transaction.atomic():
            reps, marketers = self._users(options["reps"])
            self._taxonomy()
            deal_ids, deals = self._deals(options["deals"], reps)
            asset_start = self._next_id(Asset)
            figures = self._support_figures(options, asset_start, deals, reps)
            self._assets(options["assets"], asset_start, marketers, figures)
            self._step("usages", lambda: self._usages(options, asset_start, deals, reps))
            self._step("requests", lambda: self._requests(options["requests"], reps))
            self._step("search logs", lambda: self._searches(options["searches"], reps))
            self._reset_sequences()
            self._step("search index", rebuild_index)
            # written in bulk (no model signal for a diff): one event says what was made
            audit_event(
                actor=None,
                verb="data.loaded",
                command="generate_synthetic",
                **{name: options[name] for name in ("assets", "usages", "requests", "searches", "reps", "seed")},
                deals=len(deal_ids),
            )
        reports_changed()  # bulk inserts send no model signal: cached reports are stale now
        self.stdout.write(
            f"Created {options['assets']} assets, {len(deal_ids)} deals, {options['usages']} usages, "
            f"{options['requests']} requests, {options['searches']} search logs "
            f"in {time.monotonic() - started:.0f} s."
        )

    # helpers ---------------------------------------------------------------------------------------

    def _step(self, label, function):
        began = time.monotonic()
        result = function()
        self.stdout.write(f"  {label}: {time.monotonic() - began:.1f} s")
        return result

    def _next_id(self, model):
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    def _reset_sequences(self):
        statements = connection.ops.sequence_reset_sql(no_style(), [Asset, Deal, Usage])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _users(self, count):
        User = get_user_model()
        password = make_password(None)
        prefix = f"synth{self._next_id(User)}_"
        users = [
            User(username=f"{prefix}rep{i}", first_name="Rep", last_name=str(i), password=password)
            for i in range(count)
        ]
        users += [
            User(username=f"{prefix}mkt{i}", first_name="Marketer", last_name=str(i), password=password)
            for i in range(max(3, count // 20))
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
        sales, marketing = Group.objects.get(name="Sales"), Group.objects.get(name="Marketing")
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=(marketing if "mkt" in u.username else sales).pk) for u in users]
        )
        return [u.pk for u in users if "rep" in u.username], [u.pk for u in users if "mkt" in u.username]

    def _taxonomy(self):
        for name in COMPETITORS:
            Competitor.objects.get_or_create(name=name)
        self.stages = list(FunnelStage.objects.values_list("pk", "name"))
        self.personas = list(Persona.objects.values_list("pk", "name"))
        self.competitors = list(Competitor.objects.values_list("pk", "name"))
        tags = [*TOPICS, *INDUSTRIES, *PRODUCTS]
        for name in tags:
            Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})
        self.tags = list(Tag.objects.filter(name__in=tags).values_list("pk", "name"))

    def _deals(self, count, reps):
        rng, start = self.rng, self._next_id(Deal)
        deals, info = [], {}
        for i in range(count):
            status = rng.choices([DealStatus.OPEN, DealStatus.WON, DealStatus.LOST], [35, 30, 35])[0]
            close = self.today - datetime.timedelta(days=rng.randint(0, 720)) if status != DealStatus.OPEN else None
            amount = Decimal(rng.randrange(5, 400) * 1000)
            pk = start + i
            deals.append(
                Deal(
                    pk=pk,
                    crm_id=f"SYN{pk:08d}",
                    name=f"{rng.choice(INDUSTRIES).title()} deal {pk}",
                    account=f"Account {rng.randint(1, count // 3 + 1)}",
                    amount=amount,
                    status=status,
                    close_date=close,
                    owner_id=rng.choice(reps),
                    stage=rng.choice(self.stages)[1],
                    funnel_stage_id=rng.choice(self.stages)[0],
                    source="demo",
                )
            )
            info[pk] = (status, close, amount)
        Deal.objects.bulk_create(deals, batch_size=BATCH)
        return list(info), info

    def _usage_rows(self, options, asset_start, deals, reps):
        """The usages, generated identically on every call with the same seed (two passes: one to
        compute the support figures the assets are created with, one to insert)."""
        rng = random.Random(options["seed"] * 7919)
        deal_ids = list(deals)
        n_assets = options["assets"]
        actions = list(UsageAction.values)
        viewed = set()  # a buyer's view of an asset is logged once per deal (a database constraint)
        for _ in range(options["usages"]):
            # a few assets are used far more than the rest, as in real libraries
            asset_id = asset_start + min(int(rng.paretovariate(1.2)) - 1, n_assets - 1) * 7919 % n_assets
            deal_id = rng.choice(deal_ids)
            status, close, _amount = deals[deal_id]
            anchor = close or self.today
            day = anchor - datetime.timedelta(days=rng.randint(-5, 120))
            action = rng.choice(actions)
            if action == UsageAction.BUYER_VIEWED:
                if (asset_id, deal_id) in viewed:
                    action = UsageAction.SHARED  # the buyer's later views are not logged again
                viewed.add((asset_id, deal_id))
            yield asset_id, deal_id, rng.choice(reps), day, action

    def _support_figures(self, options, asset_start, deals, reps):
        uses, won = {}, {}
        for asset_id, deal_id, _user, day, _action in self._usage_rows(options, asset_start, deals, reps):
            uses[asset_id] = uses.get(asset_id, 0) + 1
            status, close, _amount = deals[deal_id]
            if status == DealStatus.WON and day <= close:
                won.setdefault(asset_id, set()).add(deal_id)
        return {
            pk: (
                uses.get(pk, 0),
                len(won.get(pk, ())),
                sum((deals[d][2] for d in won.get(pk, ())), Decimal(0)),
            )
            for pk in set(uses) | set(won)
        }

    def _usages(self, options, asset_start, deals, reps):
        batch = []
        for asset_id, deal_id, user_id, day, action in self._usage_rows(options, asset_start, deals, reps):
            used_at = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
            batch.append(Usage(asset_id=asset_id, deal_id=deal_id, user_id=user_id, action=action, used_at=used_at))
            if len(batch) >= BATCH:
                Usage.objects.bulk_create(batch)
                batch = []
        Usage.objects.bulk_create(batch)

    def _text(self, rng, **context):
        words = {
            "industry": rng.choice(INDUSTRIES),
            "topic": rng.choice(TOPICS),
            "topic2": rng.choice(TOPICS),
            "competitor": rng.choice(COMPETITORS),
            "persona": rng.choice(self.personas)[1].lower(),
            "product": rng.choice(PRODUCTS),
            "stage": rng.choice(self.stages)[1].lower(),
            "pct": rng.randint(10, 70),
            "weeks": rng.randint(2, 16),
        } | context
        body, length = [], 0
        while length < 900:
            sentence = rng.choice(SENTENCES).format(**words)
            body.append(sentence)
            length += len(sentence) + 1
        return " ".join(body)

    def _assets(self, count, start, marketers, figures):
        rng = self.rng
        kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        ct = ContentType.objects.get_for_model(Asset)
        assets, stage_rows, persona_rows, competitor_rows, tag_rows = [], [], [], [], []
        through = (Asset.stages.through, Asset.personas.through, Asset.competitors.through)
        began = time.monotonic()

        def flush():
            Asset.objects.bulk_create(assets)
            for model, rows in zip(through, (stage_rows, persona_rows, competitor_rows), strict=True):
                model.objects.bulk_create(rows)
            TaggedItem.objects.bulk_create(tag_rows)
            for rows in (assets, stage_rows, persona_rows, competitor_rows, tag_rows):
                rows.clear()

        for i in range(count):
            pk = start + i
            kind = rng.choices(kinds, weights)[0]
            industry, topic, competitor = (
                rng.choice(INDUSTRIES),
                rng.choice(TOPICS),
                rng.choice(self.competitors),
            )
            persona = rng.choice(self.personas)
            title = {
                AssetKind.CASE_STUDY: f"How a {industry} leader improved {topic} with {rng.choice(PRODUCTS)}",
                AssetKind.BATTLE_CARD: f"Battle card: {competitor[1]} on {topic}",
                AssetKind.OBJECTION: f"Objection: {rng.choice(OBJECTIONS)} ({topic})",
                AssetKind.ONE_PAGER: f"{rng.choice(PRODUCTS)} one-pager: {topic} for {industry}",
                AssetKind.DECK: f"{topic.capitalize()} deck for the {persona[1].lower()}",
                AssetKind.EMAIL_TEMPLATE: f"Follow-up email after a {topic} call",
                AssetKind.COMPARISON_GUIDE: f"Us vs {competitor[1]}: {topic} compared",
            }[kind]
            status = rng.choices(list(AssetStatus.values), [5, 3, 88, 4])[0]
            published_at = self.now - datetime.timedelta(days=rng.randint(-20, 700), hours=rng.randint(0, 23))
            interval = default_verification_days(kind)
            verified = published_at + datetime.timedelta(days=rng.randint(0, 200))
            verified = min(verified, self.now)
            uses, won, revenue = figures.get(pk, (0, 0, Decimal(0)))
            # drawn in the order the data set has always drawn them, so a seed gives the same library
            body = self._text(rng, industry=industry, topic=topic, competitor=competitor[1])
            expires_on = self.today - datetime.timedelta(days=1) if rng.random() < 0.01 else None
            # bulk_create skips the services: the stamps come from their one rule rather than a copy
            stamps = asset_stamps(
                status=status,
                published_at=published_at if status != AssetStatus.DRAFT else None,
                verified_at=verified,
                verification_interval_days=interval,
                owner=rng.choice(marketers),
                now=self.now,
            )
            assets.append(
                Asset(
                    pk=pk,
                    kind=kind,
                    title=title[:200],
                    summary=(f"For the {persona[1].lower()} in {industry}: {topic} and how we beat {competitor[1]}."),
                    body=body,
                    status=status,
                    published_at=stamps.published_at,
                    expires_on=expires_on,
                    verified_at=verified,
                    verification_interval_days=interval,
                    review_by=stamps.review_by,
                    owner_id=stamps.owner,
                    usage_count=uses,
                    won_deal_count=won,
                    influenced_revenue=revenue,
                    influenced_revenue_by_currency={"USD": f"{revenue:.2f}"} if revenue else {},  # deals are USD
                    customer=f"{industry.title()} Co {pk}" if kind == AssetKind.CASE_STUDY else "",
                    industry=industry if kind == AssetKind.CASE_STUDY else "",
                )
            )
            for stage in rng.sample(self.stages, rng.randint(1, 2)):
                stage_rows.append(through[0](asset_id=pk, funnelstage_id=stage[0]))
            for p in {persona, *rng.sample(self.personas, rng.randint(0, 1))}:
                persona_rows.append(through[1](asset_id=pk, persona_id=p[0]))
            if kind in (AssetKind.BATTLE_CARD, AssetKind.COMPARISON_GUIDE) or rng.random() < 0.3:
                competitor_rows.append(through[2](asset_id=pk, competitor_id=competitor[0]))
            for tag in rng.sample(self.tags, rng.randint(1, 3)):
                tag_rows.append(TaggedItem(tag_id=tag[0], content_type_id=ct.pk, object_id=pk))
            if len(assets) >= BATCH:
                flush()
        flush()
        self.stdout.write(f"  assets: {time.monotonic() - began:.1f} s")

    def _requests(self, count, reps):
        rng = self.rng
        ContentRequest.objects.bulk_create(
            [
                ContentRequest(
                    title=(
                        f"Need a {rng.choice(TOPICS)} {rng.choice(list(AssetKind.labels)).lower()} "
                        f"for {rng.choice(INDUSTRIES)}"
                    ),
                    description="Buyers keep asking and we have nothing current.",
                    requester_id=rng.choice(reps),
                    kind=rng.choice(list(AssetKind.values)),
                    stage_id=rng.choice(self.stages)[0],
                    persona_id=rng.choice(self.personas)[0],
                )
                for _ in range(count)
            ],
            batch_size=BATCH,
        )

    def _searches(self, count, reps):
        rng = self.rng
        logs = []
        for _ in range(count):
            query = rng.choice(
                [
                    rng.choice(TOPICS),
                    f"{rng.choice(TOPICS)} {rng.choice(INDUSTRIES)}",
                    rng.choice(COMPETITORS).lower(),
                    f"{rng.choice(['gdpr', 'soc 2', 'hipaa'])} proof",
                ]
            )
            results = 0 if "proof" in query else rng.randint(1, 500)
            logs.append(SearchLog(user_id=rng.choice(reps), query=query, result_count=results, filters={}))
        SearchLog.objects.bulk_create(logs, batch_size=BATCH)
