# The audit log's one table (content/models/audit.py): django-auditlog's log entry fields (its own
# table is never made: AUDITLOG_LOGENTRY_MODEL points here), the event's name, and indexes on time,
# actor + time, object + time and event + time.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0020_sso_people"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_repr", models.TextField(verbose_name="object representation")),
                ("serialized_data", models.JSONField(null=True)),
                ("changes_text", models.TextField(blank=True, verbose_name="change message")),
                ("changes", models.JSONField(null=True, verbose_name="change message")),
                ("remote_addr", models.GenericIPAddressField(blank=True, null=True, verbose_name="remote address")),
                ("remote_port", models.PositiveIntegerField(blank=True, null=True, verbose_name="remote port")),
                (
                    "timestamp",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="timestamp"),
                ),
                ("additional_data", models.JSONField(blank=True, null=True, verbose_name="additional data")),
                ("actor_email", models.CharField(blank=True, max_length=254, null=True, verbose_name="actor email")),
                ("object_pk", models.CharField(blank=True, max_length=255, verbose_name="object pk")),
                ("object_id", models.BigIntegerField(blank=True, null=True, verbose_name="object id")),
                (
                    "action",
                    models.PositiveSmallIntegerField(
                        choices=[(0, "create"), (1, "update"), (2, "delete"), (3, "access")], verbose_name="action"
                    ),
                ),
                ("cid", models.CharField(blank=True, max_length=64, null=True, verbose_name="request id")),
                ("event", models.CharField(help_text="What happened: a name of content.audit.EVENTS.", max_length=40)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="object type",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
                "ordering": ["-timestamp", "-id"],
                "get_latest_by": "timestamp",
                "indexes": [
                    models.Index(fields=["actor", "timestamp"], name="audit_actor_time"),
                    models.Index(fields=["content_type", "object_id", "timestamp"], name="audit_object_time"),
                    models.Index(fields=["event", "timestamp"], name="audit_event_time"),
                ],
            },
        ),
    ]
