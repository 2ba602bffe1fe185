"""A small, hand-countable world for the report tests.

Period: 2026-01-01 .. 2026-03-31. Seven deals closed in the period (5 won, 2 lost), one closed
before it, two open. Asset "Playbook" is used before close in 5 won + 1 lost deal (6 closed:
enough data), once after a close (does not count) and once in an open deal. "Case A" is used in
2 won deals only (not enough data). "Shelf" is published and never used.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from content.models import Competitor, FunnelStage, Persona, UsageAction

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory, UserFactory

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_world(rep, other_rep):
    world = {}
    engaged = FunnelStage.objects.get(slug="engaged")
    evaluating = FunnelStage.objects.get(slug="evaluating")
    buyer = Persona.objects.get(slug="economic-buyer")
    techie = Persona.objects.get(slug="technical-evaluator")
    rival = Competitor.objects.create(name="Rival Co", slug="rival-co")
    world.update(engaged=engaged, evaluating=evaluating, buyer=buyer, techie=techie, rival=rival)

    published = at(datetime.date(2025, 12, 1))
    playbook = AssetFactory(title="Playbook", kind="battle_card", published_at=published)
    case_a = AssetFactory(title="Case A", kind="case_study", published_at=published)
    shelf = AssetFactory(title="Shelf", kind="one_pager", published_at=published)
    objection = AssetFactory(title="Too expensive", kind="objection", published_at=published)
    playbook.stages.add(evaluating)
    playbook.personas.add(buyer)
    case_a.stages.add(engaged)
    case_a.personas.add(buyer, techie)
    world.update(playbook=playbook, case_a=case_a, shelf=shelf, objection=objection)

    won = [
        DealFactory(status="won", close_date=datetime.date(2026, 2, d), amount=Decimal(a), owner=rep)
        for d, a in [(1, "1000"), (2, "2000"), (3, "3000"), (4, "4000"), (5, "5000")]
    ]
    lost = [DealFactory(status="lost", close_date=datetime.date(2026, 3, d), owner=other_rep) for d in (1, 2)]
    before = DealFactory(status="won", close_date=datetime.date(2025, 12, 15), owner=rep)
    open_deals = [DealFactory(owner=rep), DealFactory(owner=other_rep)]
    for deal in won[:2]:
        deal.personas.add(buyer)
    won[0].competitors.add(rival)
    lost[0].competitors.add(rival)
    world.update(won=won, lost=lost, before=before, open=open_deals)

    # Playbook: before close in all 5 won and the first lost deal (6 closed); twice in won[0].
    for deal in won:
        UsageFactory(
            asset=playbook,
            deal=deal,
            user=rep,
            stage=evaluating,
            used_at=at(deal.close_date - datetime.timedelta(days=3)),
        )
    UsageFactory(asset=playbook, deal=won[0], user=other_rep, stage=evaluating, used_at=at(datetime.date(2026, 1, 20)))
    UsageFactory(asset=playbook, deal=lost[0], user=other_rep, stage=engaged, used_at=at(datetime.date(2026, 2, 20)))
    UsageFactory(asset=playbook, deal=lost[1], user=other_rep, used_at=at(datetime.date(2026, 3, 10)))  # after close
    UsageFactory(asset=playbook, deal=open_deals[0], user=rep, used_at=at(datetime.date(2026, 3, 15)))
    # Case A: two won deals.
    for deal in won[:2]:
        UsageFactory(
            asset=case_a,
            deal=deal,
            user=rep,
            stage=engaged,
            used_at=at(deal.close_date - datetime.timedelta(days=10)),
        )
    # Out of the period entirely.
    UsageFactory(asset=case_a, deal=before, user=rep, used_at=at(datetime.date(2025, 12, 10)))
    # The objection was heard twice at the evaluating stage, in a deal with the rival and the buyer.
    UsageFactory(
        asset=objection,
        deal=won[0],
        user=rep,
        action=UsageAction.HEARD,
        stage=evaluating,
        used_at=at(datetime.date(2026, 1, 25)),
    )
    UsageFactory(
        asset=objection,
        deal=lost[0],
        user=other_rep,
        action=UsageAction.HEARD,
        stage=evaluating,
        used_at=at(datetime.date(2026, 2, 25)),
    )
    return world


def make_requests(rep, marketer):
    """Requests for the SLA report, with their history written directly."""
    from content.models import RequestEvent

    def request(created, *, status="new", assignee=None, due=None, events=(), **fields):
        # triaged_at is the first move out of "new", as request_transition records it
        triaged_at = next((when for from_status, _, when in events if from_status == "new"), None)
        item = ContentRequestFactory(
            requester=rep, assignee=assignee, status=status, triage_due=due, triaged_at=triaged_at, **fields
        )
        type(item).objects.filter(pk=item.pk).update(created_at=created)
        for from_status, to_status, when in events:
            event = RequestEvent.objects.create(
                request=item, actor=marketer, from_status=from_status, to_status=to_status
            )
            RequestEvent.objects.filter(pk=event.pk).update(created_at=when)
        return item

    return request


def other_user(name, group):
    return UserFactory(username=name, groups=[group])
