"""An index of the case studies' customer names, upper-cased: a search for a customer's exact name
finds its case study without reading every asset."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0010_asset_verified_by"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="asset",
            index=models.Index(
                django.db.models.functions.text.Upper("customer"),
                condition=models.Q(("kind", "case_study")),
                name="asset_case_study_customer",
            ),
        ),
    ]
