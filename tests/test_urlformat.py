"""``url_format`` answers what ``reverse`` answers, for the values it joins and those it hands on."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.urls.base import get_script_prefix, set_script_prefix

from core.urlformat import url_format


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("home", ()),
        ("prescriptions:item-move", (1, 2)),
        ("prescriptions:item-update", (123456, 7)),
        ("prescriptions:item-remove", (0, 99999999999)),
        ("exercises:picture-svg", (5, "3fa2b9c01d2e")),
        ("exercises:picture-svg", (5, "0123")),
        ("exercises:exercise-detail", ("glute-bridge",)),
        ("exercises:exercise-detail", ("Bridge",)),
        # Not joined but reversed: a string for an id, characters that need quoting.
        ("prescriptions:item-move", ("1", "2")),
        ("exercises:picture-svg", (5, "a b&c")),
        ("exercises:picture-svg", (5, "über")),
    ],
)
def test_urls_are_those_reverse_makes(name, args):
    assert url_format(name)(*args) == reverse(name, args=args)


@pytest.mark.parametrize("args", [(1, -2), (1, "x2"), (True, 2), (1, 2.0), (1,)])
def test_values_a_pattern_refuses_are_refused_as_reverse_refuses_them(args):
    with pytest.raises(NoReverseMatch):
        reverse("prescriptions:item-move", args=args)
    with pytest.raises(NoReverseMatch):
        url_format("prescriptions:item-move")(*args)


def test_the_script_prefix_of_the_moment_is_used():
    before = get_script_prefix()
    try:
        set_script_prefix("/homerx/")
        move = url_format("prescriptions:item-move")
        assert move(3, 4) == reverse("prescriptions:item-move", args=[3, 4])
        assert move(3, 4).startswith("/homerx/")
    finally:
        set_script_prefix(before)
    assert url_format("prescriptions:item-move")(3, 4) == reverse("prescriptions:item-move", args=[3, 4])


# {% load urlformat %}: Django's {% url %} tag, answered by url_format.


@pytest.mark.parametrize(
    "tag",
    [
        "{% url 'home' %}",
        "{% url 'prescriptions:item-move' 3 4 %}",
        "{% url 'exercises:picture-svg' pk version %}",
        "{% url 'exercises:exercise-detail' 'glute-bridge' %}",
        "{% url 'exercises:picture-svg' pk 'a b&c' %}",
        "{% url 'prescriptions:program-builder' pk=pk %}",
        "{% url name pk %}",
        "{% url 'prescriptions:template-list' as u %}[{{ u }}]",
        "{% url 'no-such-page' as u %}[{{ u }}]",
    ],
)
def test_the_url_tag_answers_what_djangos_answers(tag):
    context = {"pk": 7, "version": "3fa2b9c01d2e", "name": "prescriptions:program-builder"}
    expected = Template(tag).render(Context(context))
    assert Template("{% load urlformat %}" + tag).render(Context(context)) == expected


def test_the_url_tag_refuses_what_djangos_refuses():
    for tag in ("{% url 'no-such-page' %}", "{% url 'prescriptions:item-move' 1 %}"):
        with pytest.raises(NoReverseMatch):
            Template("{% load urlformat %}" + tag).render(Context())
