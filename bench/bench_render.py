"""Handout rendering for the benchmarks: the project's renderer, and the naive baseline.

The baseline is the obvious way to render the same handout: the same template, but a
flex layout, 300×200 PNG photos instead of vector drawings, a fresh FontConfiguration and
freshly parsed stylesheets for every render.
"""

import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from prescriptions.handout import context as handout_context_module
from prescriptions.handout import pdf as handout_pdf
from prescriptions.handout.fetcher import STATIC_SCHEME
from prescriptions.handout.issue import handout_issue
from prescriptions.handout.links import public_link_url, share_link_create
from prescriptions.handout.snapshot import build_snapshot

FLEX_LAYOUT = """
.exercise { display: flex; gap: 4mm; }
.exercise-pictures { float: none; flex: 0 0 52mm; }
.exercise > :not(.exercise-pictures) { flex: 1 1 auto; }
.handout-header, .clearance-box, .safety-box { display: flex; flex-direction: column; }
"""


@cache
def _snapshot(program_pk):
    from prescriptions.models import Program

    return build_snapshot(Program.objects.get(pk=program_pk))


def link_for(program_pk):
    return public_link_url("x" * 43)


def project_render(program):
    return handout_pdf.render_handout_pdf(_snapshot(program.pk), link_url=link_for(program.pk))


def project_render_without_pictures(program):
    """The project's renderer on the same handout with every picture left out, to show what
    the pictures cost."""
    snapshot = _snapshot(program.pk)
    bare = {**snapshot, "items": [{**item, "pictures": []} for item in snapshot["items"]]}
    return handout_pdf.render_handout_pdf(bare, link_url=link_for(program.pk))


def project_render_with_photos(program):
    """The project's renderer with every pose drawing swapped for a 300×200 PNG photo,
    to compare what the pictures themselves cost."""
    original = handout_pdf.handout_context

    def with_photos(*args, **kwargs):
        context, resources = original(*args, **kwargs)
        for key in list(resources):
            if key.startswith(handout_context_module.PICTURE_PREFIX):
                resources[key] = (photo_png(), "image/png")
        return context, resources

    handout_pdf.handout_context = with_photos
    try:
        return project_render(program)
    finally:
        handout_pdf.handout_context = original


@cache
def photo_png() -> bytes:
    """A 300×200 photo-like PNG (gradients and detail, like a real picture)."""
    from PIL import Image

    image = Image.new("RGB", (300, 200))
    image.putdata([((x * 7 + y * 3) % 256, (x * y) % 256, (y * 5) % 256) for y in range(200) for x in range(300)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def naive_render(program):
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    snapshot = _snapshot(program.pk)
    context, resources = handout_pdf.handout_context(snapshot, pdf=True, link_url=link_for(program.pk))
    for key, (_content, _content_type) in list(resources.items()):
        if "picture-" in key:
            resources[key] = (photo_png(), "image/png")
    html = render_to_string(handout_context_module.TEMPLATE, context)
    fonts = FontConfiguration()  # new every time, as a first implementation would
    fetcher = handout_pdf.make_url_fetcher(resources)
    css_path = finders.find(handout_pdf.STYLESHEET) or str(Path(settings.STATIC_ROOT) / handout_pdf.STYLESHEET)
    stylesheets = [
        weasyprint.CSS(
            string=Path(css_path).read_text(encoding="utf-8"),
            base_url=STATIC_SCHEME + "css/",
            url_fetcher=fetcher,
            font_config=fonts,
        ),
        weasyprint.CSS(string=FLEX_LAYOUT, url_fetcher=fetcher, font_config=fonts),
    ]
    document = weasyprint.HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=fonts
    )
    return document.write_pdf()


def issue_all(data) -> dict:
    handouts = {}
    for size, program in data["programs"].items():
        handouts[size] = handout_issue(program=program, user=data["user"]).handout
    _link, token = share_link_create(program=data["programs"][10], user=data["user"])
    return {"handouts": handouts, "token": token}


def public_page_url(token):
    return reverse("public:handout", args=[token])


def download_path_public(token):
    return reverse("public:handout-pdf", args=[token])


def download_url(handout):
    return reverse("prescriptions:handout-download", args=[handout.program_id, handout.pk])
