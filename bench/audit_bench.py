"""The audit log at scale: builds --events audit events (10,000,000 by default) in the database
DATABASE_URL points at, then times the audit page /audit/ and GET /api/v1/audit/ (p50 and p95 of
--repeat runs, through the whole request) unfiltered and with each filter, and what writing an
event costs (µs per call): `audit_event` alone, and a model save with its django-auditlog diff
against the same save with auditlog off.

    DATABASE_URL=postgres://.../enablement_bench python bench/audit_bench.py              # 10M events
    DATABASE_URL=postgres://.../enablement_bench python bench/audit_bench.py --events 1000000

The events are made by the database itself on PostgreSQL (INSERT ... SELECT over generate_series,
1,000,000 a statement, with the table's indexes in place), elsewhere by executemany; they are kept
and reused by the next run (more are added when --events asks for more). Their shape: 500 people,
a fifth of them doing four fifths of the events; downloads, sign-ins, buyer views and uses the most
common events; objects among 100,000 ids; times spread over the past year.
"""

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _stats import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("enablement.requests").setLevel(logging.WARNING)

from auditlog.context import disable_auditlog  # noqa: E402
from auditlog.receivers import log_update as auditlog_log_update  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from content.audit import EVENTS, OBJECT_TYPES, audit_event  # noqa: E402
from content.audit.diffing import log_update_from_loaded  # noqa: E402
from content.models import AuditEvent, Deal  # noqa: E402

PEOPLE = 500
OBJECTS = 100_000
STATEMENT = 1_000_000
# event -> weight (out of 100); the rest of the vocabulary shares what is left
COMMON = {
    "asset.downloaded": 22,
    "user.signed_in": 18,
    "share_link.viewed": 14,
    "usage.logged": 14,
    "asset.edited": 7,
    "request.updated": 4,
    "deal.updated": 4,
    "user.sign_in_failed": 2,
    "request.status_changed": 2,
    "share_link.created": 2,
}


def _weighted_events() -> list[str]:
    rest = [verb for verb in EVENTS if verb not in COMMON]
    events = [verb for verb, weight in COMMON.items() for _ in range(weight)]
    return events + [rest[i % len(rest)] for i in range(100 - len(events))]


def _content_type_of(verb: str) -> int | None:
    name = verb.split(".", 1)[0]
    if name not in OBJECT_TYPES:
        return None
    app_label, model, _label = OBJECT_TYPES[name]
    return ContentType.objects.get_by_natural_key(app_label, model).pk


def people() -> list[int]:
    User = get_user_model()
    existing = list(
        User.objects.filter(username__startswith="audit-bench-").order_by("id").values_list("id", flat=True)
    )
    if len(existing) < PEOPLE:
        User.objects.bulk_create(
            [User(username=f"audit-bench-{i:04d}") for i in range(len(existing), PEOPLE)], batch_size=1000
        )
    return list(User.objects.filter(username__startswith="audit-bench-").order_by("id").values_list("id", flat=True))


def generate(total: int, have: int) -> None:
    """Add events until the table holds `total`, as if written over the past year, in time order."""
    users = people()
    events = _weighted_events()
    types = [_content_type_of(verb) for verb in events]
    actions = [EVENTS[verb][0] for verb in events]
    start = timezone.now() - datetime.timedelta(days=365)
    span_us = 365 * 24 * 3600 * 1_000_000
    began = time.perf_counter()
    for first in range(have, total, STATEMENT):
        last = min(first + STATEMENT, total) - 1
        if connection.vendor == "postgresql":
            _generate_postgres(first, last, total, users, events, types, actions, start, span_us)
        else:
            _generate_python(first, last, total, users, events, types, actions, start, span_us)
        rate = (last + 1 - have) / (time.perf_counter() - began)
        print(f"  {last + 1:>12,} events ({rate:,.0f} a second)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE content_auditevent" if connection.vendor == "postgresql" else "ANALYZE")


def _generate_postgres(first, last, total, users, events, types, actions, start, span_us):
    # A fifth of the people write four fifths of the events: the index of the actor is drawn with
    # power(random(), 2.5), which piles the draws near the start of the list; one event in ten has
    # no actor (buyers, commands, failed sign-ins).
    sql = """
        INSERT INTO content_auditevent (
            timestamp, actor_id, event, action, content_type_id, object_pk, object_id, object_repr,
            changes, additional_data, remote_addr, cid, changes_text
        )
        SELECT
            %(start)s::timestamptz + ((g::float8 / %(total)s) * %(span)s)::bigint * interval '1 microsecond',
            CASE WHEN g %% 10 = 0 THEN NULL
                 ELSE (%(users)s::bigint[])[1 + floor(power(random(), 2.5) * %(people)s)::int] END,
            (%(events)s::text[])[e],
            (%(actions)s::int[])[e],
            (%(types)s::int[])[e],
            CASE WHEN (%(types)s::int[])[e] IS NULL THEN '' ELSE o::text END,
            CASE WHEN (%(types)s::int[])[e] IS NULL THEN NULL ELSE o END,
            'Object ' || o,
            CASE WHEN (%(events)s::text[])[e] LIKE '%%.edited' OR (%(events)s::text[])[e] LIKE '%%.updated'
                 THEN jsonb_build_object('title', jsonb_build_array('Title ' || o, 'Title ' || (o + 1))) END,
            CASE WHEN (%(events)s::text[])[e] = 'asset.downloaded' THEN jsonb_build_object('file', 'file-' || o || '.pdf') END,
            ('10.' || (g %% 250) || '.' || (g / 250 %% 250) || '.' || (g %% 199 + 1))::inet,
            substr(md5(g::text), 1, 16),
            ''
        FROM (
            SELECT g, 1 + floor(random() * 100)::int AS e, 1 + floor(random() * %(objects)s)::bigint AS o
            FROM generate_series(%(first)s, %(last)s) AS g
        ) AS drawn
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": start,
                "total": total,
                "span": span_us,
                "users": users,
                "people": len(users),
                "events": events,
                "actions": actions,
                "types": types,
                "objects": OBJECTS,
                "first": first,
                "last": last,
            },
        )


def _generate_python(first, last, total, users, events, types, actions, start, span_us):
    rng = random.Random(first)
    rows = []
    for g in range(first, last + 1):
        e = rng.randrange(100)
        o = 1 + rng.randrange(OBJECTS)
        actor = None if g % 10 == 0 else users[int(rng.random() ** 2.5 * len(users))]
        when = start + datetime.timedelta(microseconds=int(g / total * span_us))
        rows.append(
            AuditEvent(
                timestamp=when,
                actor_id=actor,
                event=events[e],
                action=actions[e],
                content_type_id=types[e],
                object_pk="" if types[e] is None else str(o),
                object_id=None if types[e] is None else o,
                object_repr=f"Object {o}",
                remote_addr=f"10.{g % 250}.{g // 250 % 250}.{g % 199 + 1}",
                cid=f"{g:016x}",
            )
        )
    AuditEvent.objects.bulk_create(rows, batch_size=5000)  # bulk: no save(), no context filled in


def timed(call, repeat: int) -> tuple[float, float]:
    call()  # warm: the first call pays for the caches of the process
    runs = []
    for _ in range(repeat):
        reset_queries()
        began = time.perf_counter()
        response = call()
        runs.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    runs.sort()
    return statistics.median(runs), runs[max(0, int(round(0.95 * len(runs))) - 1)]


def queries(users: list[int]) -> list[tuple[str, str]]:
    User = get_user_model()
    busy = User.objects.get(pk=users[0]).username  # drawn most often
    rare = User.objects.get(pk=users[-1]).username
    today = timezone.localdate()
    month_ago, three_weeks_ago = today - datetime.timedelta(days=30), today - datetime.timedelta(days=21)
    return [
        ("unfiltered, page 1", ""),
        ("unfiltered, page 200 (the last the count reaches)", "page=200"),
        ("who: the busiest person", f"actor={busy}"),
        ("who: the quietest person", f"actor={rare}"),
        ("what: failed sign-ins", "event=user.sign_in_failed"),
        ("what: asset published", "event=asset.published"),
        ("object: one asset", "object_type=asset&object_id=4242"),
        ("object type: deals", "object_type=deal"),
        ("when: 10 days a month ago", f"start={month_ago}&end={three_weeks_ago}"),
        ("who + what + when", f"actor={busy}&event=asset.downloaded&start={month_ago}&end={today}"),
        ("who + what, none match", f"actor={rare}&event=audit.pruned"),
    ]


def write_costs(repeat: int) -> list[tuple[str, list[float]]]:
    """µs per call of each way of writing an event. A request's writes share one transaction (the
    services are atomic), so the saves are timed each in its own transaction, commit included, with
    and without auditlog; and `audit_event` both alone (its INSERT and a commit of its own) and inside
    an open transaction, as a service calls it (its INSERT only: the commit is the request's)."""
    User = get_user_model()
    actor, _ = User.objects.get_or_create(username="audit-bench-writer")
    deal, _ = Deal.objects.get_or_create(crm_id="AUDIT-BENCH-1", defaults={"name": "Audit bench deal"})
    counter = iter(range(10**9))

    def event():
        audit_event(actor=actor, verb="asset.downloaded", obj=actor, file="bench.pdf")

    def save():
        with transaction.atomic():
            deal.name = f"Audit bench deal {next(counter)}"
            deal.save()

    def save_without_audit():
        with disable_auditlog():
            save()

    def create():
        with transaction.atomic():
            Deal.objects.create(crm_id=f"AUDIT-BENCH-NEW-{next(counter)}", name="Audit bench new deal")

    def create_without_audit():
        with disable_auditlog():
            create()

    def sample(call):
        call()  # warm
        runs = []
        for _ in range(repeat):
            began = time.perf_counter()
            call()
            runs.append(time.perf_counter() - began)
        return sorted(runs)

    results = [("audit_event alone (INSERT + its commit)", sample(event))]
    with transaction.atomic():
        results.append(("audit_event in the caller's transaction", sample(event)))

    def paired(audited, plain):
        # taken in turns, so that a busy spell of the machine weighs on both alike
        with_diff, without = [], []
        for _ in range(repeat):
            for call, runs in ((audited, with_diff), (plain, without)):
                began = time.perf_counter()
                call()
                runs.append(time.perf_counter() - began)
        return sorted(with_diff), sorted(without)

    with_diff, without = paired(save, save_without_audit)
    results += [("deal save + auditlog diff (+ commit)", with_diff), ("deal save, auditlog off (+ commit)", without)]
    with_diff, without = paired(create, create_without_audit)
    results += [
        ("deal create + auditlog diff (+ commit)", with_diff),
        ("deal create, auditlog off (+ commit)", without),
    ]
    with transaction.atomic():  # as a service saves: the commit is the request's, once for all its writes
        with_diff, without = paired(save, save_without_audit)
    results += [("deal save + diff, in the caller's transaction", with_diff), ("deal save, off, in it", without)]

    # The update's diff alone, as the receiver that runs before the save's UPDATE: django-auditlog's
    # own (which reads the row again for its "before") against the app's (content.audit.diffing: the
    # values the instance was loaded with), each diffing and inserting one event, in one transaction.
    def receiver(log_update):
        def call():
            deal.name = f"Audit bench deal {next(counter)}"
            log_update(sender=Deal, instance=deal)  # the name differs from the row's and the loaded one

        return call

    with transaction.atomic():
        reread, loaded = paired(receiver(auditlog_log_update), receiver(log_update_from_loaded))
    results += [("update diff + event: auditlog's re-read", reread), ("update diff + event: loaded values", loaded)]
    deal_type = ContentType.objects.get_for_model(Deal)
    made = Deal.objects.filter(crm_id__startswith="AUDIT-BENCH")
    AuditEvent.objects.filter(actor=actor).delete()
    AuditEvent.objects.filter(content_type=deal_type, object_id__in=made.values("pk")).delete()
    with disable_auditlog():
        made.delete()
    return results


def time_reading(args) -> None:
    have = AuditEvent.objects.count()
    if have < args.events:
        print(f"Generating audit events: {have:,} -> {args.events:,} ...", flush=True)
        generate(args.events, have)
    users = people()
    setup_test_environment()
    manager, _ = get_user_model().objects.get_or_create(username="audit-bench-manager")
    manager.groups.add(Group.objects.get(name="Managers"))
    client = Client()
    client.force_login(manager)
    total = AuditEvent.objects.count()

    print(f"\n{connection.vendor}: {total:,} audit events; p50 and p95 of {args.repeat} runs, whole requests\n")
    print(f"| {'request':<50}| page p50 | page p95 |  API p50 |  API p95 |")
    print(f"|{'-' * 51}|---------:|---------:|---------:|---------:|")
    for label, query in queries(users):
        page = timed(lambda q=query: client.get(f"/audit/?{q}"), args.repeat)
        api = timed(lambda q=query: client.get(f"/api/v1/audit/?{q}"), args.repeat)
        print(
            f"| {label:<50}| {page[0] * 1000:>5.1f} ms | {page[1] * 1000:>5.1f} ms "
            f"| {api[0] * 1000:>5.1f} ms | {api[1] * 1000:>5.1f} ms |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each request.")
    parser.add_argument("--writes", type=int, default=2000, help="Timed writes of each kind.")
    parser.add_argument(
        "--writes-only", action="store_true", help="Time the writes only: no events made, no page or API timed."
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not args.writes_only:
        time_reading(args)
    print(f"\nWriting, {args.writes} calls each (µs per call), {connection.vendor}:\n")
    print(f"| {'write':<46}| p50 µs | p95 µs |")
    print(f"|{'-' * 47}|-------:|-------:|")
    costs = write_costs(args.writes)
    for label, runs in costs:
        print(f"| {label:<46}| {percentile(runs, 0.5) * 1e6:>6.0f} | {percentile(runs, 0.95) * 1e6:>6.0f} |")
    print()
    for kind, (audited, plain) in (
        ("an update", (costs[2][1], costs[3][1])),
        ("a create", (costs[4][1], costs[5][1])),
        ("an update in the caller's transaction", (costs[6][1], costs[7][1])),
    ):
        added = (percentile(audited, 0.5) - percentile(plain, 0.5)) * 1e6
        print(f"auditlog's diff adds {added:.0f} µs to {kind} at the median (target: an event adds ≤ 2,000 µs)")
    saved = (percentile(costs[8][1], 0.5) - percentile(costs[9][1], 0.5)) * 1e6
    print(f"diffing against the loaded values instead of the row read again saves {saved:.0f} µs at the median")


if __name__ == "__main__":
    main()
