"""A clinician's interface language: chosen per user, English by default, kept across sign-ins."""

from django.urls import reverse

from patients.models import UserPreference


def test_interface_is_english_until_the_user_chooses_another_language(clinician_client, clinician):
    page = clinician_client.get(reverse("patients:patient-list")).content.decode()
    assert '<html lang="en" dir="ltr">' in page

    response = clinician_client.post(
        reverse("patients:interface-language"), {"language": "ar", "next": reverse("patients:patient-list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("patients:patient-list")
    assert UserPreference.objects.get(user=clinician).language == "ar"
    page = clinician_client.get(reverse("patients:patient-list")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "bootstrap.rtl.min.css" in page


def test_the_choice_follows_the_user_to_a_new_sign_in(client, clinician):
    UserPreference.objects.create(user=clinician, language="pt")
    client.force_login(clinician)  # sends user_logged_in, like the sign-in form
    assert '<html lang="pt" dir="ltr">' in client.get(reverse("patients:patient-list")).content.decode()


def test_an_unknown_language_or_a_foreign_next_is_refused(clinician_client, clinician):
    assert clinician_client.post(reverse("patients:interface-language"), {"language": "xx"}).status_code == 400
    response = clinician_client.post(
        reverse("patients:interface-language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
