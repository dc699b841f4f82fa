"""The clinic's program templates: a program saved as one, the list, rename, delete."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prescriptions import services
from prescriptions.forms import TemplateForm
from prescriptions.models import Program
from prescriptions.views.lookups import get_program, user_programs


@require_POST
def program_save_template(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the template a name of at most 120 characters."))
        return redirect(program)
    template = services.program_save_as_template(
        program=program, user=request.user, title=form.cleaned_data["title"], request=request
    )
    messages.success(request, _("Saved as the clinic template “%(title)s”.") % {"title": template.title})
    return redirect(program)


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    if not request.membership:
        raise Http404
    templates = (
        Program.objects.for_user(request.user)
        .filter(clinic=request.clinic)
        .templates()
        .active()
        .select_related("created_by")
        .order_by("title", "pk")
    )
    return render(request, "prescriptions/template_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
def template_rename(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(user_programs(request).templates(), pk=pk)
    form = TemplateForm(request.POST or None, initial={"title": template.title})
    if request.method == "POST" and form.is_valid():
        services.template_rename(
            template=template, user=request.user, title=form.cleaned_data["title"], request=request
        )
        messages.success(request, _("Template renamed."))
        return redirect("prescriptions:template-list")
    return render(
        request,
        "prescriptions/template_rename.html",
        {"template": template, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(user_programs(request).templates(), pk=pk)
    services.template_delete(template=template, user=request.user, request=request)
    messages.success(request, _("Template “%(title)s” deleted.") % {"title": template.title})
    return redirect("prescriptions:template-list")
