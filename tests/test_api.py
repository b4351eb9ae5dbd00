import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/me/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html, "no network at run time: the UI is served from static files"


def test_errors_are_json_a_person_can_act_on(client):
    response = client.get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "credentials" in response.json()["error"]["message"]
    missing = client.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="ko")
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "not_found", "message": "이 주소에는 아무것도 없습니다."}


def test_token_auth_for_scripts(client):
    User.objects.create_user("park", password="a-long-Passw0rd")
    bad = client.post("/api/auth/token/", {"username": "park", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_credentials"
    invalid = client.post("/api/auth/token/", {}, content_type="application/json")
    assert invalid.json()["error"]["code"] == "invalid"
    assert set(invalid.json()["error"]["fields"]) == {"username", "password"}
    token = client.post("/api/auth/token/", {"username": "park", "password": "a-long-Passw0rd"}).json()["token"]
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "park"


def test_token_endpoint_is_throttled(client):
    for _ in range(10):
        client.post("/api/auth/token/", {"username": "x", "password": "y"})
    throttled = client.post("/api/auth/token/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
