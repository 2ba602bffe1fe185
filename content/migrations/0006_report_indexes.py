"""Indexes the reports read the period's uses from: the period index carries every column they
group on, and the deal index carries the asset, so both are read without touching the table. Each
replaces a narrower index with the same leading columns. Built concurrently on PostgreSQL (hence
not atomic) so the usage table stays writable while they build."""

from django.db import migrations, models

from content.migration_operations import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("content", "0005_asset_verification_interval_bounds"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="usage",
            index=models.Index(
                fields=["used_at", "asset", "user", "deal", "stage", "action", "id"], name="usage_period"
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="usage", name="usage_time"),
        AddIndexConcurrentlyOnPostgres(
            model_name="usage",
            index=models.Index(fields=["deal", "used_at", "asset"], name="usage_deal_time_asset"),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="usage", name="usage_deal_time"),
    ]
