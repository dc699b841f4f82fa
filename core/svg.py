"""Uploaded SVG pictures: only drawing elements and presentation attributes, nothing that acts.

An SVG is a document that can run scripts, load other files and embed HTML. An upload is
parsed, and every element and attribute must be on the allow-list below; links and ``url(...)``
references may only point inside the drawing (``#id``). Anything else is refused with the
name of what was found, so the person uploading knows what to remove.
"""

import re
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_ELEMENTS = frozenset(
    {
        "svg", "g", "path", "line", "polyline", "polygon", "rect", "circle", "ellipse", "title", "desc",
        "defs", "linearGradient", "radialGradient", "stop", "text", "tspan", "clipPath", "marker", "use",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = frozenset(
    {
        "id", "class", "version", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1",
        "x2", "y2", "dx", "dy", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "fill",
        "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "stroke-opacity", "opacity", "offset",
        "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "clip-path",
        "clipPathUnits", "clip-rule", "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight",
        "markerUnits", "refX", "refY", "orient", "font-family", "font-size", "font-weight", "font-style",
        "text-anchor", "dominant-baseline", "vector-effect", "style", "href", "role", "aria-label",
        "aria-hidden", "focusable", "space",
    }
)  # fmt: skip
URL_REFERENCE = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
LOCAL_ID = re.compile(r"^#[A-Za-z_][\w.-]*$")


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _check_value(attribute: str, value: str) -> None:
    if "\\" in value or "&" in value:
        # CSS escapes and entities could spell a URL the checks below would not see.
        raise ValidationError(_("SVG attribute %(name)s holds escaped text."), params={"name": attribute})
    for match in URL_REFERENCE.finditer(value):
        if not LOCAL_ID.match(match.group(2).strip()):
            raise ValidationError(_("SVG files may not reference outside resources."), code="svg_url")
    if "url" in value.lower() and not URL_REFERENCE.search(value):
        raise ValidationError(_("SVG files may not reference outside resources."), code="svg_url")
    if attribute == "href" and not LOCAL_ID.match(value.strip()):
        raise ValidationError(_("SVG files may not contain links."), code="svg_link")


def check_svg(data: bytes) -> None:
    """Raise ``ValidationError`` unless ``data`` is an SVG made only of allowed parts."""
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ValidationError(_("SVG files with a DOCTYPE or entities are not accepted."))
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise ValidationError(_("This SVG file cannot be read.")) from None
    if _local_name(root.tag) != "svg":
        raise ValidationError(_("This file is not an SVG drawing."))
    for element in root.iter():
        tag = _local_name(element.tag) if isinstance(element.tag, str) else ""
        if tag not in ALLOWED_ELEMENTS:
            raise ValidationError(_("SVG element <%(tag)s> is not allowed."), params={"tag": tag or "?"})
        for name, value in element.attrib.items():
            attribute = _local_name(name)
            if attribute.lower().startswith("on"):
                raise ValidationError(_("SVG files may not contain scripts or links."), code="svg_script")
            if attribute not in ALLOWED_ATTRIBUTES:
                raise ValidationError(
                    _("SVG attribute %(name)s is not allowed."), params={"name": attribute}, code="svg_attribute"
                )
            _check_value(attribute, value)


def validate_svg_upload(upload) -> None:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    check_svg(data)
