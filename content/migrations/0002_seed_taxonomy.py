"""Seed the shared language (funnel stages, personas) and the three role groups.

The seed is the one of this migration's day, copied here: later edits of the live defaults
(content/taxonomy_defaults.py, read by the demo loader) must not change what this migration does."""

from django.db import migrations

FUNNEL_STAGES = [
    {
        "order": 1,
        "name": "Curious",
        "slug": "curious",
        "owning_team": "marketing",
        "definition": "The buyer has noticed a problem and is reading around it. They know our name, "
        "not yet what we do for them.",
        "entry_criteria": "Visited the site, downloaded a guide or attended a webinar; no conversation with sales yet.",
    },
    {
        "order": 2,
        "name": "Engaged",
        "slug": "engaged",
        "owning_team": "marketing",
        "definition": "The buyer returns to our content and is comparing approaches. Marketing nurtures; "
        "sales watches for intent.",
        "entry_criteria": "Two or more meaningful interactions in 30 days, or a direct question to us.",
    },
    {
        "order": 3,
        "name": "Interested",
        "slug": "interested",
        "owning_team": "shared",
        "definition": "The buyer has agreed to a first conversation. The hand-off from marketing to sales "
        "happens here, with the context marketing gathered.",
        "entry_criteria": "A discovery meeting is booked with a named contact who feels the pain.",
    },
    {
        "order": 4,
        "name": "Evaluating",
        "slug": "evaluating",
        "owning_team": "sales",
        "definition": "The buyer is comparing us with alternatives, building a business case and involving "
        "other stakeholders. Proof, battle cards and objection answers matter most.",
        "entry_criteria": "A qualified opportunity: budget, authority, need and timeline confirmed.",
    },
    {
        "order": 5,
        "name": "Customer",
        "slug": "customer",
        "owning_team": "shared",
        "definition": "The buyer signed. Both teams keep earning the renewal and the reference.",
        "entry_criteria": "A signed contract (the deal is closed-won in the CRM).",
    },
]

PERSONAS = [
    {
        "name": "Economic buyer",
        "slug": "economic-buyer",
        "description": "Owns the budget and signs the contract; usually a VP or C-level executive.",
        "pains": "Unclear return on investment\nRisk of a failed rollout\nToo many overlapping tools",
    },
    {
        "name": "Technical evaluator",
        "slug": "technical-evaluator",
        "description": "Checks that the product fits the stack: security, integrations, scale.",
        "pains": "Security review effort\nIntegration work\nVendor lock-in",
    },
    {
        "name": "End user champion",
        "slug": "end-user-champion",
        "description": "Will use the product every day and argues for it internally.",
        "pains": "Manual busywork\nTools nobody adopts\nNo time to learn something new",
    },
    {
        "name": "Operations lead",
        "slug": "operations-lead",
        "description": "Runs the process the product changes; cares about rollout and reporting.",
        "pains": "Change management\nReporting gaps\nProcess exceptions",
    },
    {
        "name": "Procurement",
        "slug": "procurement",
        "description": "Negotiates terms and checks the vendor's standing.",
        "pains": "Price benchmarks\nContract terms\nVendor risk",
    },
    {
        "name": "Security officer",
        "slug": "security-officer",
        "description": "Approves data handling, access control and compliance.",
        "pains": "Data residency\nAudit evidence\nAccess control",
    },
]

GROUPS = ["Sales", "Marketing", "Managers"]


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
