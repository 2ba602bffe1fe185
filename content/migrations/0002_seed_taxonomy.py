"""Seed the shared language (funnel stages, personas) and the three role groups."""

from django.db import migrations

from content.taxonomy_defaults import FUNNEL_STAGES, GROUPS, PERSONAS


def seed(apps, schema_editor):
    FunnelStage = apps.get_model("content", "FunnelStage")
    Persona = apps.get_model("content", "Persona")
    Group = apps.get_model("auth", "Group")
    for stage in FUNNEL_STAGES:
        FunnelStage.objects.update_or_create(slug=stage["slug"], defaults=stage)
    for persona in PERSONAS:
        Persona.objects.update_or_create(slug=persona["slug"], defaults=persona)
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("content", "FunnelStage").objects.filter(slug__in=[s["slug"] for s in FUNNEL_STAGES]).delete()
    apps.get_model("content", "Persona").objects.filter(slug__in=[p["slug"] for p in PERSONAS]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial_domain"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
