import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "a-long-Passw0rd-for-tests"


def test_signup_creates_an_instructor_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "kim", "email": "kim@example.org", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.filter(username="kim").exists()
    assert response.context["user"].username == "kim"


def test_signup_errors_are_translated_and_nothing_is_stored(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "kim", "password1": PASSWORD, "password2": PASSWORD + "x"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.status_code == 200
    assert "비밀번호" in response.content.decode()  # Django's own Korean catalogue
    assert not User.objects.filter(username="kim").exists()


def test_login_logout_and_password_change(client):
    User.objects.create_user("lee", password=PASSWORD)
    login = client.post("/accounts/login/", {"username": "lee", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert 'class="panel narrow"' in page.content.decode(), "styled page, not the admin"
    new_password = PASSWORD + "-2"
    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert changed.status_code == 302
    assert User.objects.get(username="lee").check_password(new_password)
    client.post("/accounts/logout/")
    assert client.get("/accounts/password/").status_code == 302  # back to the login page


def test_login_page_says_students_need_no_account(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Students do not need an account" in page.content.decode()
