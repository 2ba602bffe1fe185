"""Usage API: log that an asset was used in a deal, and list usage (reps their own, others all)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import MANUAL_USAGE_ACTIONS, Usage, UsageAction
from ..permissions import Can, visible_usages
from ..usage import log_usage
from ..usage_filters import UsageFilterSet
from . import idempotency
from .serializers import ModelSerializer


class UsageSerializer(ModelSerializer):
    asset_title = serializers.CharField(source="asset.title", read_only=True)
    deal = serializers.CharField(source="deal.crm_id", read_only=True)
    deal_name = serializers.CharField(source="deal.name", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    stage = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Usage
        fields = [
            "id",
            "asset",
            "asset_title",
            "deal",
            "deal_name",
            "user",
            "action",
            "stage",
            "used_at",
            "helpful",
            "note",
        ]
        read_only_fields = fields


class UsageWriteSerializer(serializers.Serializer):
    asset = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The asset's id.")
    deal = serializers.CharField(max_length=64, help_text="The deal's CRM id.")
    action = serializers.ChoiceField(
        choices=[choice for choice in UsageAction.choices if choice[0] in MANUAL_USAGE_ACTIONS],
        help_text="'heard' is for objection entries; 'buyer_viewed' is recorded by tracked share links only.",
    )
    stage = serializers.SlugField(required=False, allow_blank=True, help_text="A funnel stage slug.")
    helpful = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    user = serializers.CharField(required=False, help_text="Log for this username (managers only).")


class UsageViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = UsageSerializer
    filterset_class = UsageFilterSet
    permission_classes = [IsAuthenticated, Can.to("log_usage")]

    def get_queryset(self):
        queryset = Usage.objects.select_related("asset", "deal", "user", "stage").order_by("-used_at", "-id")
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return queryset.none()
        return visible_usages(self.request.user, queryset)

    @extend_schema(
        request=UsageWriteSerializer,
        parameters=[idempotency.SCHEMA_PARAMETER],
        responses={
            201: UsageSerializer,
            400: OpenApiResponse(description="Unknown asset or deal, or an invalid field; the field is named."),
            403: OpenApiResponse(description="Logging for someone else without being a manager."),
            **idempotency.SCHEMA_RESPONSES,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        incoming = UsageWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        on_behalf_of = None
        if data.get("user"):
            on_behalf_of = get_user_model().objects.filter(username=data.pop("user")).first()
            if on_behalf_of is None:
                return Response({"user": ["No such user."]}, status=status.HTTP_400_BAD_REQUEST)
        data.pop("user", None)
        usage = log_usage(user=request.user, on_behalf_of=on_behalf_of, **data)
        return Response(UsageSerializer(usage).data, status=status.HTTP_201_CREATED)
