"""Small helpers of the project-canvas API tests: JSON requests as a signed-in user."""

from __future__ import annotations


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def put(client, url, data, **extra):
    return client.put(url, data, content_type="application/json", **extra)


def error(response) -> dict:
    return response.json()["error"]
