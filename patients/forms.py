from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Patient


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
