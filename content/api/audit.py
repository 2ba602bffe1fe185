"""GET /api/v1/audit/: the audit log for managers (403 for everyone else), filtered by the same
FilterSet as the page /audit/ (content.audit.filters), newest first, paginated with a count capped
at COUNT_CAP (`count_capped` says there are more)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from ..audit import type_name
from ..audit.filters import AuditFilterSet
from ..audit.reading import COUNT_CAP, AuditPaginator, audit_events
from ..models import AuditEvent
from ..permissions import Can
from .pagination import StandardPagination
from .serializers import ModelSerializer


class AuditPagination(StandardPagination):
    django_paginator_class = AuditPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        description = f"More than {COUNT_CAP:,} events match: `count` stops there; narrow the filters to page further."
        schema["properties"]["count_capped"] = {"type": "boolean", "description": description}
        return schema


class AuditEventSerializer(ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="The username of whoever did it; null for nobody signed in.")
    action = serializers.CharField(source="get_action_display", help_text="create, update, delete or access.")
    object_type = serializers.SerializerMethodField(help_text="asset, deal, request, share_link, user, …")
    object_id = serializers.CharField(source="object_pk", help_text="The object's id (empty: no object).")
    object = serializers.CharField(source="object_repr", help_text="The object as it read at the time.")
    changes = serializers.JSONField(help_text="{field: [before, after]}; a relation: {type, operation, objects}.")
    data = serializers.JSONField(source="additional_data", help_text="What else the event says.")
    address = serializers.IPAddressField(source="remote_addr", help_text="The client's address.")
    request_id = serializers.CharField(source="cid", help_text="The events of one request share it.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "timestamp",
            "actor",
            "event",
            "action",
            "object_type",
            "object_id",
            "object",
            "changes",
            "data",
            "address",
            "request_id",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, entry) -> str | None:
        return entry.actor.get_username() if entry.actor else None

    def get_object_type(self, entry) -> str:
        return type_name(entry.content_type)


class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit log, newest first: field diffs of assets, deals, requests, share links, usage,
    taxonomy and users, and sign-ins, failed sign-ins, downloads, buyer views, imports and tokens."""

    queryset = audit_events()
    serializer_class = AuditEventSerializer
    filterset_class = AuditFilterSet
    permission_classes = [Can.to("view_audit")]
    pagination_class = AuditPagination
