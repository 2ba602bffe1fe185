"""Who last verified an asset, so its badge can say "Verified 3 Mar 2026 by Dana" (unknown, empty, for
the verifications made before)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0009_asset_influenced_revenue_by_currency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Who last confirmed the asset is still right.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
