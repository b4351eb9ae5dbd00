from django.urls import path

from accounts.apis import MeApi, TokenApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("auth/token/", TokenApi.as_view(), name="token"),
]
