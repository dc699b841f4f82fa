from django.core import mail
from django.urls import reverse


def test_password_reset_emails_a_link_that_sets_a_new_password(client, clinician):
    page = client.get(reverse("password_reset"))
    assert "Send reset link" in page.content.decode()
    client.post(reverse("password_reset"), {"email": clinician.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    form = client.get(link, follow=True)
    assert "Save password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-7", "new_password2": "a-new-long-passphrase-7"},
    )
    assert done.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("a-new-long-passphrase-7")
