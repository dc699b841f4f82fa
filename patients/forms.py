import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_choices
from patients.models import Clinic, Membership, Patient, Role


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_language",
            "large_print",
            "notes",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older form, an import), a patient reads the clinic's default language.
        self.fields["preferred_language"].required = False
        self.fields["preferred_language"].help_text = _(
            "The language of this patient's handouts, phone page, calendar reminder and emails."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
            Div(
                Div("date_of_birth", css_class="col-md-4"),
                Div("email", css_class="col-md-4"),
                Div("phone", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("preferred_language", css_class="col-md-6"),
                Div(Field("large_print"), css_class="col-md-6 pt-md-4"),
                css_class="row",
            ),
            "notes",
            Submit("save", _("Save patient")),
        )

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_preferred_language(self):
        return self.cleaned_data["preferred_language"] or settings.LANGUAGE_CODE


class ClinicForm(forms.ModelForm):
    """Clinic settings a clinic admin manages: identity, branding and what every handout prints."""

    class Meta:
        model = Clinic
        fields = ["name", "address", "phone", "email", "logo", "paper_size", "handout_footer", "safety_text"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "safety_text": forms.Textarea(attrs={"rows": 4}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "logo": _("PNG, JPEG or WebP, up to 5 MB. Printed at the top of every handout."),
            "handout_footer": _("One line printed at the bottom of every handout page, e.g. opening hours."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            "address",
            Div(Div("phone", css_class="col-md-6"), Div("email", css_class="col-md-6"), css_class="row"),
            "logo",
            Div(Div("paper_size", css_class="col-md-4"), Div("handout_footer", css_class="col-md-8"), css_class="row"),
            "safety_text",
            Submit("save", _("Save clinic settings")),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the clinic's name."), code="required")
        return name


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, help_text=_("The invitation link is sent to this address.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CLINICIAN)

    def __init__(self, *args, clinic, **kwargs):
        self.clinic = clinic
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("email", css_class="col-md-7"), Div("role", css_class="col-md-5"), css_class="row"),
            Submit("invite", _("Send invitation")),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        already = Membership.objects.active().filter(clinic=self.clinic, user__email__iexact=email)
        if already.exists():
            raise forms.ValidationError(
                _("%(email)s is already a member of this clinic; change their role in the list below instead."),
                params={"email": email},
                code="member",
            )
        return email


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Untick to remove their access to this clinic. Their programs stay with the clinic."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("role", "is_active", Submit("save", _("Save member")))


class InvitationAcceptForm(UserCreationForm):
    """A new account for an invited clinician: they pick a username and their password."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "last_name"]

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before validation, so the password validators compare against the address too.
        self.instance.email = invitation.email
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        self.fields["username"].help_text = _(
            "What you type to sign in: letters, digits and @ . + - _ only, up to 150 characters."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
            "username",
            "password1",
            "password2",
            Submit("accept", _("Create my account and join")),
        )


_LOG_DATES = [
    MinValueValidator(datetime.date(2000, 1, 1), message=_("Enter a date between 2000 and 2100.")),
    MaxValueValidator(datetime.date(2100, 12, 31), message=_("Enter a date between 2000 and 2100.")),
]


class AuditFilterForm(forms.Form):
    """Filters of the clinic's audit log; every value is an id or a code, never a name, in the URL."""

    patient = forms.ModelChoiceField(label=_("Patient"), queryset=Patient.objects.none(), required=False)
    user = forms.ModelChoiceField(label=_("User"), queryset=get_user_model().objects.none(), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=_LOG_DATES
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=_LOG_DATES
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = Patient.objects.filter(clinic=clinic)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(memberships__clinic=clinic).order_by("username").distinct()
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned

    def filter(self, entries):
        """Apply the filters to ``entries``; with an invalid filter nothing matches (its error is shown),
        rather than the whole log passing for the answer."""
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data.get("patient"):
            entries = entries.filter(patient_id=data["patient"].pk)
        if data.get("user"):
            entries = entries.filter(user=data["user"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz)
            entries = entries.filter(created_at__gte=start)
        if data.get("date_to"):
            end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
            entries = entries.filter(created_at__lt=end)
        return entries


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before it is tried.

    ``AuthenticationForm`` sets the field's ``max_length`` without its validator, so a username of
    thousands of characters reached the sign-in backends, and django-axes' record of the failure
    (255 characters at most) broke the request on PostgreSQL.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if len(username) > limit:
            raise ValidationError(
                _("A username has at most %(limit)d characters."), params={"limit": limit}, code="max_length"
            )
        return username
