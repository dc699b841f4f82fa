import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import AuditEntry
from patients.audit_actions import PatientAction
from patients.models import Clinic, Invitation, Membership, Role
from patients.services import invitation_create
from tests.factories import PASSWORD, MembershipFactory, ProgramFactory, UserFactory

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

User = get_user_model()


def _admin_urls(membership_pk):
    return [
        ("get", reverse("patients:clinic-settings")),
        ("get", reverse("patients:clinic-members")),
        ("get", reverse("patients:member-invite")),
        ("get", reverse("patients:audit-log")),
        ("get", reverse("patients:audit-export")),
        ("get", reverse("patients:member-update", args=[membership_pk])),
        ("post", reverse("patients:member-update", args=[membership_pk])),
        ("post", reverse("patients:member-unlock", args=[membership_pk])),
        ("post", reverse("patients:member-invite")),
        ("post", reverse("patients:clinic-settings")),
        ("post", reverse("patients:invitation-revoke")),
    ]


@pytest.mark.parametrize("who", ["clinician", "outsider"])
def test_clinicians_and_outsiders_get_404_on_every_clinic_admin_page(client, request, who, colleague, clinic):
    client.force_login(request.getfixturevalue(who))
    membership = Membership.objects.get(user=colleague)
    for method, url in _admin_urls(membership.pk):
        response = getattr(client, method)(url, {"role": Role.ADMIN, "is_active": "", "email": "x@example.org"})
        assert response.status_code == 404, (method, url, response.status_code)
    membership.refresh_from_db()
    assert membership.role == Role.CLINICIAN and membership.is_active
    assert not Invitation.objects.exists()


def test_admin_of_another_clinic_gets_404_for_this_clinics_member(client, other_clinic, colleague):
    client.force_login(MembershipFactory(clinic=other_clinic, role=Role.ADMIN).user)
    membership = Membership.objects.get(user=colleague)
    assert client.get(reverse("patients:member-update", args=[membership.pk])).status_code == 404
    assert client.post(reverse("patients:member-update", args=[membership.pk]), {"role": "admin"}).status_code == 404
    assert client.post(reverse("patients:member-unlock", args=[membership.pk])).status_code == 404


def test_anonymous_user_is_sent_to_sign_in_from_clinic_pages(client):
    response = client.get(reverse("patients:clinic-members"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_clinic_nav_link_shows_for_admins_only(client, clinician, clinic_admin):
    client.force_login(clinic_admin)
    assert b'href="/patients/clinic/"' in client.get(reverse("patients:patient-list")).content
    client.force_login(clinician)
    assert b'href="/patients/clinic/"' not in client.get(reverse("patients:patient-list")).content


# --- Invitations -------------------------------------------------------------------------------


def _invite(client, django_capture_on_commit_callbacks, email="new.physio@example.org", role=Role.CLINICIAN):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("patients:member-invite"), {"email": email, "role": role})


def _link_from_outbox() -> str:
    return re.search(r"http://\S+/patients/invitations/(\S+)/", mail.outbox[-1].body).group(0)


def test_admin_invites_a_clinician_by_email(
    clinic_admin_client, clinic, clinic_admin, django_capture_on_commit_callbacks
):
    response = _invite(clinic_admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:clinic-members")

    invitation = Invitation.objects.get()
    assert (invitation.clinic, invitation.email, invitation.role) == (clinic, "new.physio@example.org", Role.CLINICIAN)
    assert timedelta(days=6) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.physio@example.org"]
    assert "Riverside Physio" in message.subject
    link = _link_from_outbox()
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only a hash of the token is stored; the link holds the only copy.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert len(token) >= 43  # 256 bits, base64

    page = clinic_admin_client.get(reverse("patients:clinic-members"))
    assert b"new.physio@example.org" in page.content
    assert b"Invitation sent to new.physio@example.org" in page.content


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an email", "Enter a valid email address."),
        ("", "This field is required."),
        ("BOB@example.org", "is already a member of this clinic"),
    ],
)
def test_invitation_form_says_what_to_fix(clinic_admin_client, colleague, email, message):
    response = clinic_admin_client.post(reverse("patients:member-invite"), {"email": email, "role": Role.CLINICIAN})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_invited_clinician_sets_a_password_and_can_sign_in(client, clinic, clinic_admin):
    invitation, token = invitation_create(
        clinic=clinic, email="Eve@Example.org", role=Role.CLINICIAN, invited_by=clinic_admin
    )
    url = reverse("patients:invitation-accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Join Riverside Physio on HomeRx" in page.content
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]

    response = client.post(
        url,
        {"first_name": "Eve", "last_name": "Adams", "username": "eve", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    eve = User.objects.get(username="eve")
    assert eve.email == "Eve@example.org"  # the domain part is normalised
    membership = Membership.objects.get(user=eve)
    assert (membership.clinic, membership.role, membership.is_active) == (clinic, Role.CLINICIAN, True)
    invitation.refresh_from_db()
    assert invitation.accepted_by == eve and not invitation.is_usable
    assert AuditEntry.objects.filter(action=PatientAction.MEMBER_JOINED, user=eve, clinic_id=clinic.pk).count() == 1

    signed_in = client.post(reverse("login"), {"username": "eve", "password": PASSWORD})
    assert signed_in.status_code == 302

    client.logout()
    again = client.get(url)
    assert again.status_code == 404
    assert b"This invitation link no longer works" in again.content


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short. It must contain at least 10 characters."),
        ("password12345", "This password is too common."),
        ("48213975301876", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(client, clinic, clinic_admin, password, message):
    invitation, token = invitation_create(
        clinic=clinic, email="eve@example.org", role=Role.CLINICIAN, invited_by=clinic_admin
    )
    response = client.post(
        reverse("patients:invitation-accept", args=[token]),
        {"first_name": "Eve", "last_name": "Adams", "username": "eve", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password2"])
    assert not User.objects.filter(username="eve").exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_expired_withdrawn_and_unknown_links_do_not_work(client, clinic, clinic_admin):
    expired, expired_token = invitation_create(
        clinic=clinic, email="a@example.org", role="clinician", invited_by=clinic_admin
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    withdrawn, withdrawn_token = invitation_create(
        clinic=clinic, email="b@example.org", role="clinician", invited_by=clinic_admin
    )
    withdrawn.revoke()
    for token in (expired_token, withdrawn_token, "not-a-real-token"):
        url = reverse("patients:invitation-accept", args=[token])
        data = {"username": "mallory", "password1": PASSWORD, "password2": PASSWORD}
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert not User.objects.filter(username="mallory").exists()


def test_a_new_invitation_replaces_the_pending_one(clinic, clinic_admin):
    first, first_token = invitation_create(
        clinic=clinic, email="eve@example.org", role="clinician", invited_by=clinic_admin
    )
    second, _token = invitation_create(clinic=clinic, email="EVE@example.org", role="admin", invited_by=clinic_admin)
    first.refresh_from_db()
    assert not first.is_usable and second.is_usable


def test_admin_withdraws_an_invitation(clinic_admin_client, clinic, clinic_admin):
    invitation, _token = invitation_create(
        clinic=clinic, email="eve@example.org", role="clinician", invited_by=clinic_admin
    )
    response = clinic_admin_client.post(reverse("patients:invitation-revoke"), {"invitation": invitation.pk})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEntry.objects.filter(action=PatientAction.INVITATION_REVOKED, object_id=str(invitation.pk)).count() == 1


def test_admin_cannot_withdraw_another_clinics_invitation(clinic_admin_client, other_clinic, outsider):
    theirs, _token = invitation_create(
        clinic=other_clinic, email="x@example.org", role="clinician", invited_by=outsider
    )
    for value in (theirs.pk, "abc", "-1", "9" * 40):
        assert clinic_admin_client.post(reverse("patients:invitation-revoke"), {"invitation": value}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_usable


def test_existing_account_joins_after_signing_in(client, clinic, clinic_admin, outsider, other_clinic):
    invitation, token = invitation_create(
        clinic=clinic, email=outsider.email, role=Role.CLINICIAN, invited_by=clinic_admin
    )
    url = reverse("patients:invitation-accept", args=[token])
    page = client.get(url)
    assert b"You already have a HomeRx account" in page.content
    assert "form" not in page.context

    client.force_login(outsider)
    assert b"Join Riverside Physio" in client.get(url).content
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, clinic=clinic, role=Role.CLINICIAN, is_active=True).exists()
    assert Membership.objects.filter(user=outsider, clinic=other_clinic).exists()
    # They now work in the clinic they joined.
    assert client.get(reverse("patients:patient-list")).context["current_clinic"] == clinic


def test_signed_in_user_cannot_take_someone_elses_invitation(client, clinic, clinic_admin, outsider):
    _invitation, token = invitation_create(
        clinic=clinic, email="eve@example.org", role=Role.ADMIN, invited_by=clinic_admin
    )
    client.force_login(outsider)
    url = reverse("patients:invitation-accept", args=[token])
    assert b"the invitation was sent to eve@example.org" in client.get(url).content
    client.post(url)
    assert not Membership.objects.filter(user=outsider, clinic=clinic).exists()


# --- Members: role, deactivation, lockout ------------------------------------------------------


def test_admin_changes_a_members_role(clinic_admin_client, colleague, clinic_admin):
    membership = Membership.objects.get(user=colleague)
    response = clinic_admin_client.post(
        reverse("patients:member-update", args=[membership.pk]), {"role": Role.ADMIN, "is_active": "on"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    entry = AuditEntry.objects.get(action=PatientAction.MEMBER_CHANGED)
    assert (entry.user, entry.object_id) == (clinic_admin, str(membership.pk))
    assert entry.detail == {"member": "bob", "role": ["clinician", "admin"]}


def test_unknown_role_is_refused(clinic_admin_client, colleague):
    membership = Membership.objects.get(user=colleague)
    response = clinic_admin_client.post(
        reverse("patients:member-update", args=[membership.pk]), {"role": "superuser", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in " ".join(response.context["form"].errors["role"])
    membership.refresh_from_db()
    assert membership.role == Role.CLINICIAN


def test_deactivated_member_can_no_longer_sign_in_and_their_programs_stay(
    client, clinic_admin, colleague, clinician, patient
):
    program = ProgramFactory(patient=patient, created_by=colleague)
    bob = client.__class__()
    bob.force_login(colleague)
    assert bob.get(reverse("patients:patient-list")).status_code == 200

    client.force_login(clinic_admin)
    membership = Membership.objects.get(user=colleague)
    response = client.post(reverse("patients:member-update", args=[membership.pk]), {"role": Role.CLINICIAN})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active

    # The open session stops working, and signing in again is refused.
    assert bob.get(reverse("patients:patient-list"))["Location"].startswith("/accounts/login/")
    refused = client.__class__().post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.client.session

    program.refresh_from_db()
    assert program.clinic == patient.clinic and program.created_by == colleague
    members_page = client.get(reverse("patients:clinic-members"))
    assert b"Deactivated" in members_page.content

    # Reactivating lets them back in.
    client.post(reverse("patients:member-update", args=[membership.pk]), {"role": Role.CLINICIAN, "is_active": "on"})
    assert client.__class__().post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302


def test_member_of_another_clinic_keeps_their_account_but_loses_this_clinic(
    client, clinic_admin, clinic, other_clinic, patient
):
    member = MembershipFactory(clinic=clinic).user
    MembershipFactory(user=member, clinic=other_clinic)
    client.force_login(clinic_admin)
    membership = Membership.objects.get(user=member, clinic=clinic)
    client.post(reverse("patients:member-update", args=[membership.pk]), {"role": Role.CLINICIAN})
    member.refresh_from_db()
    assert member.is_active
    client.force_login(member)
    assert client.get(reverse("patients:patient-detail", args=[patient.pk])).status_code == 404


def test_admin_cannot_change_their_own_membership(clinic_admin_client, clinic_admin):
    membership = Membership.objects.get(user=clinic_admin)
    page = clinic_admin_client.get(reverse("patients:member-update", args=[membership.pk]))
    assert b"This is you." in page.content
    response = clinic_admin_client.post(
        reverse("patients:member-update", args=[membership.pk]), {"role": Role.CLINICIAN}
    )
    assert response.status_code == 200
    assert "You cannot change your own membership" in " ".join(response.context["form"].non_field_errors())
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN and membership.is_active


def _fail_sign_in(client, username, times):
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "wrong-password-1"})
    return response


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, colleague):
    assert _fail_sign_in(client, "bob", 4).status_code == 200
    locked = _fail_sign_in(client, "bob", 1)
    assert locked.status_code == 429
    assert b"Sign-in locked: too many wrong passwords" in locked.content
    assert b"Try again in 30 minutes, or ask your clinic admin to unlock it." in locked.content
    # The right password no longer helps until the lock is lifted.
    still = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert still.status_code == 429


def test_one_persons_typos_do_not_lock_a_colleague_at_the_same_address(client, clinician, colleague, settings):
    """Lockout is per account and address together; the per-address limit is much higher."""
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 8
    _fail_sign_in(client, "bob", 5)
    assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 429
    assert client.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_an_address_failing_across_many_accounts_is_refused(client, clinician, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    for name in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5", "nobody6"):
        _fail_sign_in(client, name, 1)
    refused = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    other_address = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert other_address.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_admin_sees_the_lockout_and_unlocks_the_member(client, clinic_admin, colleague):
    _fail_sign_in(client, "bob", 5)
    admin = client.__class__(REMOTE_ADDR="10.0.0.2")
    admin.force_login(clinic_admin)
    membership = Membership.objects.get(user=colleague)
    assert b"Locked out" in admin.get(reverse("patients:clinic-members")).content
    assert b"Unlock sign-in" in admin.get(reverse("patients:member-update", args=[membership.pk])).content

    response = admin.post(reverse("patients:member-unlock", args=[membership.pk]), follow=True)
    assert b"can sign in again" in response.content
    assert b"Locked out" not in response.content
    assert AuditEntry.objects.filter(action=PatientAction.MEMBER_UNLOCKED, object_id=str(membership.pk)).count() == 1
    assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302


def test_member_list_query_count_does_not_grow(clinic_admin_client, clinic, clinic_admin, django_assert_num_queries):
    def add_members(n):
        for _ in range(n):
            MembershipFactory(clinic=clinic)
            invitation_create(
                clinic=clinic,
                email=f"{UserFactory.build().username}@example.org",
                role="clinician",
                invited_by=clinic_admin,
            )

    url = reverse("patients:clinic-members")
    # 1 session, 2 user, 3 the user's memberships with their clinics (the admin check and the
    # menu), 4 lockouts (django-axes attempts by the clinic's members), 5 pending invitations
    # with who sent them, 6 the members with their accounts.
    queries = 6
    clinic_admin_client.get(url)  # the first request after signing in renews the session's expiry
    add_members(2)
    with django_assert_num_queries(queries):
        clinic_admin_client.get(url)
    add_members(10)
    with django_assert_num_queries(queries):
        response = clinic_admin_client.get(url)
    assert len(response.context["memberships"]) == 13


# --- Clinic settings ---------------------------------------------------------------------------


def _png(size=(60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _settings_data(**overrides):
    data = {
        "name": "Riverside Physio",
        "address": "1 River Road",
        "phone": "+44 20 7946 0123",
        "email": "desk@example.org",
        "paper_size": "letter",
        "handout_footer": "Open Mon–Fri 8–18",
        "safety_text": "Stop if pain is sharp and call us.",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("count", [1, 15])
def test_clinic_settings_page_query_count_does_not_grow(clinic_admin_client, clinic, count, django_assert_num_queries):
    for _ in range(count):
        MembershipFactory(clinic=clinic)
        ProgramFactory(patient__clinic=clinic)
    clinic.logo.save("logo.png", SimpleUploadedFile("logo.png", _png()))

    # 1 session, 2 user, 3 the user's memberships with their clinics (the admin check and the
    # menu), 4 the clinic read afresh for the form, 5-7 the session saved again in a savepoint.
    with django_assert_num_queries(7):
        response = clinic_admin_client.get(reverse("patients:clinic-settings"))

    assert response.context["form"].instance == clinic
    assert b"Current logo" in response.content


def test_admin_changes_clinic_settings_with_a_logo(clinic_admin_client, clinic, clinic_admin):
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = clinic_admin_client.post(reverse("patients:clinic-settings"), {**_settings_data(), "logo": logo})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.paper_size == "letter"
    assert clinic.safety_text == "Stop if pain is sharp and call us."
    assert clinic.handout_footer == "Open Mon–Fri 8–18"
    assert clinic.logo.name.startswith("clinic-logos/")
    entry = AuditEntry.objects.get(action=PatientAction.CLINIC_CHANGED)
    assert entry.user == clinic_admin and entry.clinic_id == clinic.pk
    assert set(entry.detail["fields"]) >= {"logo", "paper_size", "safety_text", "handout_footer"}

    page = clinic_admin_client.get(reverse("patients:clinic-settings"))
    assert b"Current logo" in page.content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"MZ\x90\x00 not a picture", content_type="image/png"), "Upload a"),
        (SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"), "Upload a"),
    ],
)
def test_a_logo_that_is_not_a_picture_is_refused(clinic_admin_client, clinic, upload, message):
    response = clinic_admin_client.post(reverse("patients:clinic-settings"), {**_settings_data(), "logo": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    clinic.refresh_from_db()
    assert not clinic.logo
    assert clinic.paper_size == "A4"
    assert not AuditEntry.objects.filter(action=PatientAction.CLINIC_CHANGED).exists()


def test_a_logo_over_the_size_limit_is_refused(clinic_admin_client, clinic, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("logo.png", _png((200, 200)), content_type="image/png")
    response = clinic_admin_client.post(reverse("patients:clinic-settings"), {**_settings_data(), "logo": upload})
    assert "The file is too large" in " ".join(response.context["form"].errors["logo"])
    clinic.refresh_from_db()
    assert not clinic.logo


def test_clinic_settings_errors_say_what_to_fix(clinic_admin_client, clinic):
    response = clinic_admin_client.post(
        reverse("patients:clinic-settings"), _settings_data(name="   ", phone="ring us", paper_size="A0")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["This field is required."],  # only spaces count as empty
        "phone": ["Enter a phone number using digits, spaces and + ( ) - . only."],
        "paper_size": ["Select a valid choice. A0 is not one of the available choices."],
    }
    assert Clinic.objects.get(pk=clinic.pk).name == "Riverside Physio"


def test_saving_unchanged_settings_writes_no_audit_entry(clinic_admin_client, clinic):
    clinic.address, clinic.email, clinic.paper_size = "1 River Road", "desk@example.org", "letter"
    clinic.handout_footer, clinic.safety_text = "Open Mon–Fri 8–18", "Stop if pain is sharp and call us."
    clinic.save()
    response = clinic_admin_client.post(reverse("patients:clinic-settings"), _settings_data(), follow=True)
    assert b"Nothing changed." in response.content
    assert not AuditEntry.objects.filter(action=PatientAction.CLINIC_CHANGED).exists()
