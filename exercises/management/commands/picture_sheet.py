"""``make pictures``: every exercise's steps and cautions beside its pictures, at print size.

A physiotherapist checks the drawings against the words side by side. Under each picture:
the facts from the steps it is checked against (its constraints' ``says``), so a wrong check
is as visible as a wrong drawing, and the step sentences none of its checks covers
(``exercises.pictures.coverage``), so what the machine does not check is visible too.
Printed or opened in a browser, the pictures have the handout's standard print width.
"""

import base64
import html

from django.core.management.base import BaseCommand

from exercises.models import Exercise
from exercises.pictures.coverage import coverage

# The handout prints each picture 60 mm wide, 80 mm in large print (static/css/handout.css,
# ".exercise-pictures img"); the sheet shows them at the standard width, the height following
# the picture's own frame.
PRINT_WIDTH_MM, LARGE_PRINT_WIDTH_MM = 60, 80

_STYLE = f"""
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: sans-serif; font-size: 10pt; color: #222; margin: 12mm; }}
h1 {{ font-size: 16pt; }}
section {{ display: grid; grid-template-columns: 1fr auto; gap: 6mm; border-top: 0.4mm solid #999;
  padding: 4mm 0; break-inside: avoid; }}
h2 {{ font-size: 12pt; margin: 0 0 2mm; }}
.slug {{ color: #666; font-weight: normal; font-size: 9pt; }}
ol, ul {{ margin: 0 0 2mm; padding-left: 5mm; }}
.cautions li {{ color: #8a1c1c; }}
.pictures {{ display: flex; gap: 4mm; align-items: flex-start; }}
figure {{ margin: 0; width: {PRINT_WIDTH_MM}mm; }}
figure img {{ display: block; width: {PRINT_WIDTH_MM}mm; height: auto; border: 0.3mm solid #ccc; }}
figcaption {{ font-size: 8.5pt; }}
figcaption h3 {{ font-size: 7.5pt; margin: 1.5mm 0 0; }}
figcaption ul {{ color: #555; font-size: 7.5pt; margin: 0.5mm 0 0; padding-left: 4mm; }}
figcaption .unchecked li {{ color: #8a5a00; }}
"""


def _picture(picture, steps: list[str]) -> str:
    src = "data:image/svg+xml;base64," + base64.b64encode(picture.svg.encode()).decode()
    # One line per fact: "feet flat on the floor" is checked at both heels and toes.
    checks = list(dict.fromkeys(c.get("says", "") for c in (picture.pose or {}).get("constraints", [])))
    unchecked = [sentence for sentence, by in coverage(steps, checks) if not by]
    camera = (picture.pose or {}).get("camera", "side")
    checked_items = "".join(f"<li>{html.escape(text)}</li>" for text in checks) or "<li>nothing</li>"
    unchecked_items = "".join(f"<li>{html.escape(text)}</li>" for text in unchecked) or "<li>none</li>"
    return (
        f'<figure><img src="{src}" alt="{html.escape(picture.alt_text)}">'
        f"<figcaption><strong>{html.escape(picture.caption)}</strong> · {html.escape(camera)} view"
        f"<h3>Checks</h3><ul class=checks>{checked_items}</ul>"
        f"<h3>Step sentences it does not check</h3><ul class=unchecked>{unchecked_items}</ul>"
        "</figcaption></figure>"
    )


def review_sheet_html(exercises) -> str:
    """The sheet for ``exercises`` (with ``steps`` and ``pictures`` prefetched)."""
    sections = []
    for exercise in exercises:
        step_texts = [step.text for step in exercise.steps.all()]
        steps = "".join(f"<li>{html.escape(text)}</li>" for text in step_texts)
        cautions = "".join(f"<li>{html.escape(text)}</li>" for text in exercise.caution_list)
        pictures = "".join(_picture(p, step_texts) for p in exercise.pictures.all() if p.svg)
        sections.append(
            f'<section id="{html.escape(exercise.slug)}"><div>'
            f'<h2>{html.escape(exercise.name)} <span class="slug">{html.escape(exercise.slug)}</span></h2>'
            f"<ol>{steps}</ol>"
            f"{f'<ul class=cautions>{cautions}</ul>' if cautions else ''}</div>"
            f'<div class="pictures">{pictures}</div></section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>HomeRx exercise pictures</title><style>{_STYLE}</style></head><body>"
        "<h1>Exercise pictures for review</h1>"
        f"<p>{len(sections)} exercises. Pictures at the handout's print width: {PRINT_WIDTH_MM} mm "
        f"({LARGE_PRINT_WIDTH_MM} mm in large print). Under each picture: the facts from the steps it "
        "is checked against by machine, then the step sentences none of those checks covers "
        "(matched by shared key words, so read both: a sentence listed there is checked only by "
        "your eye).</p>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


class Command(BaseCommand):
    help = "Write every exercise's steps and cautions beside its pictures, at print size, for review."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="pictures.html")

    def handle(self, *args, output, **options):
        exercises = (
            Exercise.objects.catalogue()
            .exclude(status="retired")
            .prefetch_related("steps", "pictures")
            .order_by("name")
        )
        page = review_sheet_html(exercises)
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(page)
        self.stdout.write(f"Wrote {len(exercises)} exercises to {output}")
