"""Share-link API: create a tracked link for a deal, list and read links (reps their own, marketing and
managers all) with their view history, revoke with DELETE. The rules live in content/sharing.py."""

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import ShareLink, ShareLinkAsset, ShareView
from ..permissions import Can
from ..sharing import MAX_ASSETS, MAX_NOTE, share_link_create, share_link_revoke, visible_share_links
from . import idempotency
from .serializers import ModelSerializer


class ShareViewSerializer(ModelSerializer):
    class Meta:
        model = ShareView
        fields = ["asset", "kind", "viewed_at", "seconds", "visitor"]
        read_only_fields = fields


class ShareLinkSerializer(ModelSerializer):
    url = serializers.CharField(source="public_url", read_only=True, help_text="The absolute address for the buyer.")
    assets = serializers.SerializerMethodField(help_text="The shared assets' ids, in the order shown.")
    deal = serializers.CharField(source="deal.crm_id", read_only=True)
    deal_name = serializers.CharField(source="deal.name", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    views = serializers.IntegerField(source="view_count", read_only=True, help_text="Counted buyer views.")
    live = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "url",
            "assets",
            "deal",
            "deal_name",
            "note",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "first_viewed_at",
            "views",
            "live",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_assets(self, link) -> list[int]:
        return [item.asset_id for item in link.items.all()]

    def get_live(self, link) -> bool:
        return link.is_live()


class ShareLinkDetailSerializer(ShareLinkSerializer):
    view_history = ShareViewSerializer(source="views", many=True, read_only=True)

    class Meta(ShareLinkSerializer.Meta):
        fields = [*ShareLinkSerializer.Meta.fields, "view_history"]
        read_only_fields = fields


class ShareLinkWriteSerializer(serializers.Serializer):
    assets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=MAX_ASSETS,
        help_text=f"Ids of 1 to {MAX_ASSETS} published assets of external kinds.",
    )
    deal = serializers.CharField(max_length=64, help_text="The CRM id of one of your deals.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE, help_text="Shown as text.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: in 90 days.")


class ShareLinkFilter(django_filters.FilterSet):
    deal = django_filters.CharFilter(field_name="deal__crm_id", max_length=64, help_text="The deal's CRM id.")
    asset = django_filters.NumberFilter(
        field_name="items__asset_id", min_value=1, max_value=2**63 - 1, help_text="Links holding this asset."
    )

    class Meta:
        model = ShareLink
        fields = ["deal", "asset"]


class ShareLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ShareLinkSerializer
    filterset_class = ShareLinkFilter
    permission_classes = [IsAuthenticated, Can.to("share_assets")]

    def get_queryset(self):
        queryset = (
            ShareLink.objects.select_related("deal", "created_by")
            .prefetch_related(Prefetch("items", queryset=ShareLinkAsset.objects.only("id", "link_id", "asset_id")))
            .annotate(view_count=Count("views", distinct=True))
            .order_by("-created_at", "-id")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("views")
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return queryset.none()
        return visible_share_links(self.request.user, queryset)

    def get_serializer_class(self):
        return ShareLinkDetailSerializer if self.action == "retrieve" else ShareLinkSerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()

    @extend_schema(
        request=ShareLinkWriteSerializer,
        parameters=[idempotency.SCHEMA_PARAMETER],
        responses={
            201: ShareLinkSerializer,
            400: OpenApiResponse(
                description="Unknown, unpublished or internal asset (battle cards, objection entries, email "
                "templates), a deal that is not yours, an expiry in the past; the field is named."
            ),
            **idempotency.SCHEMA_RESPONSES,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        incoming = ShareLinkWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        link = share_link_create(user=request.user, **incoming.validated_data)
        created = self.get_queryset().get(pk=link.pk)
        return Response(ShareLinkSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Revoked: the buyer's page answers 410.")})
    def destroy(self, request, pk=None):
        share_link_revoke(user=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


__all__ = ["ShareLinkViewSet"]
