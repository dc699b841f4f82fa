"""Exercise pictures: pose drawings (see ``exercises.poses``) and uploaded images.

Re-exports the pose renderer so models and admin import from one place, and
checks uploaded SVG files, which can carry scripts and external references.
"""

import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exercises.poses import PoseError, render_pose_svg, validate_pose  # noqa: F401

_SVG_ALLOWED_TAGS = {
    "svg",
    "g",
    "path",
    "line",
    "polyline",
    "polygon",
    "rect",
    "circle",
    "ellipse",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "text",
    "tspan",
    "clipPath",
    "marker",
}


def sanitize_svg_upload(upload) -> None:
    """Refuse an SVG with scripts, event handlers, foreign content or external links."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ValidationError(_("SVG files with a DOCTYPE or entities are not accepted."))
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise ValidationError(_("This SVG file cannot be read.")) from None
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in _SVG_ALLOWED_TAGS:
            raise ValidationError(_("SVG element <%(tag)s> is not allowed."), params={"tag": tag})
        for name, value in element.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            lowered = value.strip().lower()
            if attr.startswith("on") or attr == "href" and not lowered.startswith("#"):
                raise ValidationError(_("SVG files may not contain scripts or links."))
            if "url(" in lowered and "url(#" not in lowered.replace(" ", ""):
                raise ValidationError(_("SVG files may not reference outside resources."))
