"""The benchmark's signed-in floor page costs what every signed-in page costs before its content."""

from django.test import override_settings

from bench.urls import FLOOR_PATH


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_signed_in_floor_loads_session_user_and_memberships_and_renders_base(
    client, clinician, django_assert_num_queries
):
    client.force_login(clinician)
    client.get(FLOOR_PATH)  # the first request after signing in renews the session's expiry
    with django_assert_num_queries(3):
        # 1. the session, 2. the user, 3. the user's memberships with their clinics (the menu)
        response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["base.html"]


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_signed_in_floor_is_signed_in_only(client):
    assert client.get(FLOOR_PATH).status_code == 302
