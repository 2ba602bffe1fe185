# The usage report counts the distinct reps and deals of a page of assets from this index alone
# (index-only), instead of visiting every use of those assets in the table. The new index is built
# before the one it replaces is dropped, so an asset's uses over time always have an index.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0026_asset_search_columns_sqlite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="usage",
            index=models.Index(fields=["asset", "used_at", "user", "deal"], name="usage_asset_time_people"),
        ),
        migrations.RemoveIndex(model_name="usage", name="usage_asset_time"),
    ]
