"""The data migration seeds the shared language and the role groups."""

import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from content.models import FunnelStage, Persona

pytestmark = pytest.mark.django_db


def test_the_default_funnel_stages_are_seeded_in_order_with_definitions():
    stages = list(FunnelStage.objects.all())
    assert [s.name for s in stages] == ["Curious", "Engaged", "Interested", "Evaluating", "Customer"]
    assert all(s.definition and s.entry_criteria for s in stages)


def test_six_personas_with_pains_are_seeded():
    assert Persona.objects.count() == 6
    assert not Persona.objects.filter(pains="").exists()


def test_the_three_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Sales", "Marketing", "Managers"}


def test_the_migration_reverses_and_reapplies(transactional_db):
    from django.core.management import call_command

    call_command("migrate", "content", "0001", verbosity=0)
    assert not FunnelStage.objects.exists()
    call_command("migrate", "content", verbosity=0)
    assert FunnelStage.objects.count() == 5


def test_no_model_change_is_missing_its_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_report_indexes_are_built_outside_a_transaction_and_exist():
    # Concurrent index builds on PostgreSQL cannot run inside a transaction.
    from importlib import import_module

    from django.db import connection

    for name in ("0006_report_indexes", "0019_usage_deal_index_action"):
        assert import_module(f"content.migrations.{name}").Migration.atomic is False
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "content_usage")
    assert indexes["usage_period"]["columns"] == [
        "used_at",
        "asset_id",
        "user_id",
        "deal_id",
        "stage_id",
        "action",
        "id",
    ]
    assert indexes["usage_deal_time_asset_action"]["columns"] == ["deal_id", "used_at", "asset_id", "action"]
    assert not {"usage_time", "usage_deal_time", "usage_deal_time_asset"} & set(indexes)


def _content_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        return {name for name in connection.introspection.table_names(cursor) if name.startswith("content_")}


def _search_function_exists():
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'content_asset_search_sync'")
        return cursor.fetchone() is not None


def test_the_app_migrates_from_zero_to_the_latest_and_back_twice(transactional_db):
    from django.core.management import call_command

    from content.search import SearchParams, run_search
    from tests.factories import UserFactory
    from tests.search_helpers import make_asset

    latest = _content_tables()
    assert {"content_asset", "content_search_word"} <= latest  # the search tables of either database
    for _ in range(2):
        call_command("migrate", "content", "zero", verbosity=0)
        # nothing left behind: the search tables, their triggers and the trigger function go too
        assert _content_tables() == set()
        assert not _search_function_exists()
        call_command("migrate", "content", verbosity=0)
        assert _content_tables() == latest
        assert FunnelStage.objects.count() == 5
    marketer = UserFactory(groups=["Marketing"])  # the groups were seeded anew
    asset = make_asset(title="Quarterly pricing playbook", owner=marketer)
    found = run_search(user=marketer, params=SearchParams(q="pricing"))
    assert [a.pk for a in found.assets] == [asset.pk]


def test_an_asset_written_before_the_search_migrations_is_found_after_them(transactional_db):
    # The search migrations index the assets that exist when they run, and fill the dictionary of
    # words that corrects misspellings.
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from content.models import Asset
    from content.search import SearchParams, run_search
    from tests.factories import UserFactory

    before_search = ("content", "0003_background_jobs")
    # the user first: a user's changes are audited, in a table that a later migration makes
    marketer = UserFactory()
    marketer.groups.add(Group.objects.get_or_create(name="Marketing")[0])  # earlier tests may have emptied it
    call_command("migrate", *before_search, verbosity=0)
    OldAsset = MigrationExecutor(connection).loader.project_state(before_search).apps.get_model("content", "Asset")
    old = OldAsset.objects.create(
        title="Onboarding checklist",
        summary="Everything a new customer needs in week one.",
        body="Kick-off, integrations, training.",
        kind="one_pager",
        status="published",
        published_at=timezone.now(),
        owner_id=marketer.pk,
    )
    call_command("migrate", "content", verbosity=0)

    assert [a.pk for a in run_search(user=marketer, params=SearchParams(q="integrations")).assets] == [old.pk]
    corrected = run_search(user=marketer, params=SearchParams(q="onbording "))
    assert (corrected.corrected_query, [a.pk for a in corrected.assets]) == ("onboarding", [old.pk])
    Asset.objects.filter(pk=old.pk).delete()  # the index follows the asset out
    assert not run_search(user=marketer, params=SearchParams(q="integrations")).assets.exists()


def test_the_words_of_the_dictionary_get_their_stems_on_sqlite(transactional_db):
    # Migration 0032 gives the words already in the dictionary the stem the full-text index holds
    # for them, and makes the index's terms readable; backwards, both go.
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the word stems of the SQLite search")

    def columns_and_tables():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pragma_table_info('content_search_word')")
            columns = {name for (name,) in cursor.fetchall()}
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'content_asset_fts_terms'")
            return columns, bool(cursor.fetchall())

    call_command("migrate", "content", "0031", verbosity=0)
    assert columns_and_tables() == ({"word"}, False)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO content_search_word (word) VALUES ('migrations'), ('café'), ('playbook')")
    call_command("migrate", "content", verbosity=0)
    assert columns_and_tables() == ({"word", "stem"}, True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, stem FROM content_search_word WHERE word IN ('migrations', 'café', 'playbook')")
        assert dict(cursor.fetchall()) == {"migrations": "migrat", "café": "cafe", "playbook": "playbook"}
    call_command("migrate", "content", "0031", verbosity=0)
    assert columns_and_tables() == ({"word"}, False)
    call_command("migrate", "content", verbosity=0)


def test_the_uses_already_logged_are_rolled_up_per_asset_and_deal(transactional_db):
    # Migration 0033 rolls up the uses already in the table per asset and deal, and its triggers keep
    # the pairs from then on; backwards, the table and the triggers go, and uses still write.
    from django.core.management import call_command
    from django.db import connection

    from content.models import Usage, UsageDeal
    from tests.factories import AssetFactory, DealFactory, UserFactory

    rep = UserFactory(groups=[])  # a transactional test before may have emptied the seeded groups
    asset, deal = AssetFactory(owner=rep), DealFactory(owner=rep)
    call_command("migrate", "content", "0032", verbosity=0)
    assert "content_usagedeal" not in _content_tables()
    times = [datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC) for day in (9, 2, 5)]
    for time, action in zip(times, ["shared", "buyer_viewed", "heard"], strict=True):
        Usage.objects.create(asset=asset, deal=deal, user=rep, action=action, used_at=time)
    call_command("migrate", "content", verbosity=0)
    pair = UsageDeal.objects.get()
    assert (pair.asset_id, pair.deal_id, pair.use_count) == (asset.pk, deal.pk, 3)
    assert (pair.first_used, pair.last_used, pair.first_logged, pair.first_viewed) == (
        times[1],
        times[0],
        times[2],
        times[1],
    )
    Usage.objects.filter(used_at=times[1]).delete()
    pair.refresh_from_db()
    assert (pair.use_count, pair.first_used, pair.first_viewed) == (2, times[2], None)
    call_command("migrate", "content", "0032", verbosity=0)
    assert "content_usagedeal" not in _content_tables()
    Usage.objects.create(asset=asset, deal=deal, user=rep, used_at=times[0])  # no trigger left behind
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_proc WHERE proname LIKE 'content_usagedeal%%'")
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name LIKE 'content_usagedeal%%'")
        assert cursor.fetchall() == []
    call_command("migrate", "content", verbosity=0)
    assert UsageDeal.objects.get().use_count == 3


# The app modules a migration may import. A migration is history: it must do on a new database
# what it did the day it was written, so it copies the SQL and the data it runs instead of
# importing them. What it may import is what Django itself requires by reference, plus operations
# that are generic (no SQL nor data of the app) and only ever added to.
ALLOWED_APP_IMPORTS = {
    "content.migration_operations",  # generic operations (indexes built concurrently on PostgreSQL, SQLite-only SQL)
    # field callables: the autodetector compares them with the model's own by identity
    "content.models.activity.new_feed_secret",
    "content.models.assets.asset_upload_to",
    "content.models.sharing.new_share_token",
}


def _app_names_used(tree) -> set[str]:
    """The dotted names of the `content` app that a migration module imports or refers to."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = "content." + (node.module or "") if node.level else node.module or ""
            if module == "content" or module.startswith("content."):
                names |= {f"{module}.{alias.name}".replace("..", ".") for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("content.")}
        elif isinstance(node, ast.Attribute) and ast.unparse(node).startswith("content."):
            names.add(ast.unparse(node))
    # keep the longest names only: `content.models.assets.asset_upload_to`, not its prefixes
    return {name for name in names if not any(other.startswith(name + ".") for other in names)}


def test_no_migration_imports_code_of_the_app_that_can_change():
    migrations_dir = Path(__file__).resolve().parent.parent / "content" / "migrations"
    used = {}
    for path in sorted(migrations_dir.glob("[0-9]*.py")):
        for name in _app_names_used(ast.parse(path.read_text())):
            if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED_APP_IMPORTS):
                used.setdefault(path.name, []).append(name)
    assert used == {}


def test_the_import_check_sees_every_way_of_importing_the_app():
    source = (
        "from content.search import postgres\n"
        "from ..taxonomy_defaults import PERSONAS\n"
        "import content.search.sqlite\n"
        "x = content.search.sqlite.CREATE_SQL\n"
        "from content.migration_operations import AddIndexConcurrentlyOnPostgres\n"
        "import content.demo_data as demo\n"
    )
    assert _app_names_used(ast.parse(source)) == {
        "content.search.postgres",
        "content.taxonomy_defaults.PERSONAS",
        "content.search.sqlite.CREATE_SQL",
        "content.migration_operations.AddIndexConcurrentlyOnPostgres",
        "content.demo_data",
    }
