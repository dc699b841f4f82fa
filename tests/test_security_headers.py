"""Response headers, templates that keep the Content Security Policy, and session rules."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_the_security_headers(client, clinician, signed_in):
    if signed_in:
        client.force_login(clinician)
    response = client.get(reverse("patients:patient-list") if signed_in else reverse("login"))
    assert response.status_code == 200
    policy = _csp(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"][0] == "'self'"
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_are_never_cached(clinician_client):
    response = clinician_client.get(reverse("patients:patient-list"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_htmx_is_configured_for_the_policy(clinician_client):
    html = clinician_client.get(reverse("patients:patient-list")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html).group(1)
    # No eval (hx-on, js: values) and no inline <style> for indicators: both need unsafe-* sources.
    assert '"allowEval": false' in config and '"includeIndicatorStyles": false' in config
    assert '"allowScriptTags": false' in config


def _project_templates():
    return sorted(p for p in TEMPLATES_DIR.rglob("*.html"))


@pytest.mark.parametrize("path", _project_templates(), ids=lambda p: str(p.relative_to(TEMPLATES_DIR)))
def test_templates_need_no_inline_script_or_style(path):
    """The policy refuses inline code: a script needs src= or a nonce, and no element may carry
    style= or an on*= handler (the browser would silently ignore them)."""
    source = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (path.name, tag)
    assert not re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", source), f"{path.name}: style= attribute"
    assert not re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", source), f"{path.name}: inline event handler"
    assert not re.search(r"\shx-on[:-]", source), f"{path.name}: hx-on needs eval"
    assert "javascript:" not in source, f"{path.name}: javascript: URL"


# --- Sessions and passwords --------------------------------------------------------------------


def test_idle_sessions_expire_and_activity_renews_them(clinician_client, monkeypatch):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    clinician_client.get(reverse("patients:patient-list"))
    session = Session.objects.get()
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)

    # Within the minute, a request does not write the session again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=20))
    clinician_client.get(reverse("patients:patient-list"))
    assert Session.objects.get().expire_date - timezone.now() <= timedelta(minutes=20)
    # A minute later, activity renews it for another 30 minutes.
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    clinician_client.get(reverse("patients:patient-list"))
    assert Session.objects.get().expire_date - timezone.now() > timedelta(minutes=29)

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = clinician_client.get(reverse("patients:patient-list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_changing_the_password_signs_out_every_other_session(clinician):
    laptop, phone = Client(), Client(REMOTE_ADDR="10.0.0.7")
    for device in (laptop, phone):
        assert device.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302
    new_password = "a-new-long-passphrase-77"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    # The device that changed it stays signed in; the other is sent to sign in again.
    assert laptop.get(reverse("patients:patient-list")).status_code == 200
    assert phone.get(reverse("patients:patient-list"))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("alice-pw1", "at least 10 characters"),
        ("password1234", "too common"),
        ("82736455512", "entirely numeric"),
        ("alice@example.org", "too similar"),
    ],
)
def test_password_change_applies_the_validators(clinician_client, password, message):
    response = clinician_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["new_password2"])
