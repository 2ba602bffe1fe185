"""Token auth: POST username and password, get {"token": ...}; throttled like the sign-in page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..throttling import clear_failures, client_address, is_locked_out, record_failure


class ObtainToken(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed attempts."),
        },
        auth=[],
    )
    def post(self, request):
        if not hasattr(request.data, "get"):
            message = {"detail": "Send an object with username and password."}
            return Response(message, status=status.HTTP_400_BAD_REQUEST)
        username = str(request.data.get("username", ""))
        address = client_address(request)
        if is_locked_out(username, address):
            return Response(
                {"detail": "Too many failed sign-ins. Wait a few minutes, then try again."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            record_failure(username, address)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        clear_failures(username, address)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
