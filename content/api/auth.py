"""Token auth: POST username and password, get {"token": ...}, throttled like the sign-in page;
DELETE revokes the caller's token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import audit_event
from ..tokens import token_expires_at, token_issue, token_revoke
from ..views.auth import LOCKED_OUT_MESSAGE


class ObtainToken(APIView):
    serializer_class = AuthTokenSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def initialize_request(self, request, *args, **kwargs):
        # Signing in takes no credentials but the body's; revoking needs the token (or session).
        drf_request = super().initialize_request(request, *args, **kwargs)
        if request.method != "DELETE":
            drf_request.authenticators = ()
        return drf_request

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expires": serializers.DateTimeField(allow_null=True)},
            ),
            400: OpenApiResponse(description="Wrong username or password, or password sign-in is switched off."),
            429: OpenApiResponse(description="Too many failed attempts."),
        },
        auth=[],
    )
    def post(self, request):
        if not hasattr(request.data, "get"):
            message = {"detail": "Send an object with username and password."}
            return Response(message, status=status.HTTP_400_BAD_REQUEST)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # The sign-in protection flags the attempt that reaches the limit, and every one after.
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": LOCKED_OUT_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        token = token_issue(user=user)
        audit_event(actor=user, verb="user.signed_in", obj=user, request=request, via="api token")
        return Response({"token": token.key, "expires": token_expires_at(token)})

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The caller's token is revoked; it authenticates nothing any more."),
            401: OpenApiResponse(description="Not authenticated."),
        },
    )
    def delete(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
