"""The instructor account API: who is signed in, and API tokens for scripts."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.errors import InvalidCredentials
from core.apis import AppApiView, InputSerializer, error_responses


class MeApi(AppApiView):
    class MeOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.CharField(help_text="Empty when the account has none.")
        is_staff = serializers.BooleanField()

    @extend_schema(responses={200: MeOutputSerializer, **error_responses(401)}, summary="The signed-in instructor")
    def get(self, request: Request) -> Response:
        return Response(self.MeOutputSerializer(request.user).data)


class TokenApi(AppApiView):
    """Trade a username and password for an API token, for scripts and notebooks."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    class TokenInputSerializer(InputSerializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            **error_responses(400, 422, 429, text={400: "`invalid_credentials`, or `invalid` with `fields`."}),
        },
        summary="Get an API token",
    )
    def post(self, request: Request) -> Response:
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            raise InvalidCredentials()
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
