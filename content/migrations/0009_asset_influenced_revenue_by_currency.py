"""Influenced revenue per currency on each asset, and influenced_revenue narrowed to the reporting
currency: it used to add amounts of different currencies together. The backfill is a copy of the
rule as it stands today (content.support), frozen here.

The column is added with a plain ALTER TABLE: on SQLite Django's AddField would rebuild the asset
table, and the rebuild drops the triggers that keep the search index in step (0007)."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def fill_revenue_by_currency(apps, schema_editor):
    Asset = apps.get_model("content", "Asset")
    Usage = apps.get_model("content", "Usage")
    reporting = getattr(settings, "REPORTING_CURRENCY", "USD")
    pairs = (
        Usage.objects.filter(deal__status="won", used_at__date__lte=F("deal__close_date"))
        .values_list("asset_id", "deal_id", "deal__currency", "deal__amount")
        .distinct()
        .order_by()
    )
    totals = {}
    for asset_id, _deal_id, currency, amount in pairs.iterator(chunk_size=5000):
        per_asset = totals.setdefault(asset_id, {})
        per_asset[currency] = per_asset.get(currency, Decimal("0")) + Decimal(str(amount))
    Asset.objects.exclude(influenced_revenue=0).update(influenced_revenue=0)
    ids = sorted(totals)
    for start in range(0, len(ids), 500):
        rows = []
        for pk in ids[start : start + 500]:
            per_asset = totals[pk]
            rows.append(
                Asset(
                    pk=pk,
                    influenced_revenue_by_currency={
                        c: str(per_asset[c].quantize(Decimal("0.01"))) for c in sorted(per_asset)
                    },
                    influenced_revenue=per_asset.get(reporting, Decimal("0")),
                )
            )
        Asset.objects.bulk_update(rows, ["influenced_revenue_by_currency", "influenced_revenue"])


COLUMN_TYPES = {"postgresql": "jsonb", "sqlite": "text"}


def add_column(apps, schema_editor):
    column_type = COLUMN_TYPES.get(schema_editor.connection.vendor, "text")
    schema_editor.execute(
        f"ALTER TABLE content_asset ADD COLUMN influenced_revenue_by_currency {column_type} NOT NULL DEFAULT '{{}}'"
    )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE content_asset DROP COLUMN influenced_revenue_by_currency")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0008_search_words"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="asset",
                    name="influenced_revenue_by_currency",
                    field=models.JSONField(blank=True, default=dict, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.RunPython(fill_revenue_by_currency, migrations.RunPython.noop),
    ]
