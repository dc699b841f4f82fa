"""An instrument's definition file: its schema, its scoring and what a change means. Pure: no database.

A definition is a JSON object (see ``outcomes/instruments/*.json``). ``validate`` lists every
problem with a numbered path, so a bad file is refused with messages a person can act on;
``score`` applies the published scoring rule, including its rule for unanswered items;
``change_verdict`` compares a score with the baseline against the instrument's MCID.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")
ITEM_KINDS = {"rating", "activity"}  # activity: the patient names it, then rates it
SCORING_METHODS = {"sum", "mean"}
MAX_ITEMS = 60
MAX_TEXT = 500


class Verdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"


VERDICT_LABELS = {
    Verdict.IMPROVED: _("Improved"),
    Verdict.NO_CHANGE: _("No important change"),
    Verdict.WORSE: _("Worse"),
}


@dataclass(frozen=True)
class Answer:
    value: int | None
    text: str = ""


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text_map(value, path: str, languages: list[str], problems: list[str]) -> None:
    """A text in every language the definition declares, e.g. ``{"en": "..."}``."""
    if not isinstance(value, dict) or not value:
        problems.append(f'{path}: expected an object of texts by language, e.g. {{"en": "..."}}')
        return
    for language in languages:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{path}.{language}: missing text for declared language {language!r}")
        elif len(text) > MAX_TEXT:
            problems.append(f"{path}.{language}: longer than {MAX_TEXT} characters")


def validate(definition) -> list[str]:
    """Every problem of a definition, each starting with its path (``items[2].max``); [] when valid."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        return ["(root): expected a JSON object"]
    key = definition.get("key")
    if not isinstance(key, str) or not key or len(key) > 40 or not set(key) <= KEY_CHARS:
        problems.append("key: expected 1–40 lower-case letters, digits, '-' or '_'")
    if not isinstance(definition.get("version"), int) or definition.get("version", 0) < 1:
        problems.append("version: expected a whole number from 1")
    for field in ("name", "short_name"):
        if not isinstance(definition.get(field), str) or not definition.get(field, "").strip():
            problems.append(f"{field}: expected a non-empty text")
    languages = definition.get("languages")
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) and x for x in languages):
        problems.append('languages: expected a list of language codes, e.g. ["en"]')
        languages = []
    licence = definition.get("licence")
    if not isinstance(licence, dict):
        problems.append("licence: expected an object with name, url, citation, free_for_software, standard_wording")
    else:
        for field in ("name", "url", "citation"):
            if not isinstance(licence.get(field), str) or not licence.get(field, "").strip():
                problems.append(f"licence.{field}: expected a non-empty text")
        if not str(licence.get("url", "")).startswith("https://"):
            problems.append("licence.url: expected an https:// address where the licence is stated")
        if licence.get("free_for_software") is not True:
            problems.append(
                "licence.free_for_software: must be true; an instrument that needs a licence for software "
                "is not loaded (a clinic holding one states it in its own copy of the definition)"
            )
        if not isinstance(licence.get("standard_wording"), bool):
            problems.append("licence.standard_wording: expected true (published wording) or false (own wording)")
    score_range = definition.get("range")
    low = high = None
    if not isinstance(score_range, dict) or not _number(score_range.get("min")) or not _number(score_range.get("max")):
        problems.append('range: expected {"min": number, "max": number}')
    elif score_range["min"] >= score_range["max"]:
        problems.append("range: min must be below max")
    else:
        low, high = score_range["min"], score_range["max"]
    if not isinstance(definition.get("higher_is_better"), bool):
        problems.append("higher_is_better: expected true or false")
    mcid = definition.get("mcid")
    if not isinstance(mcid, dict) or not _number(mcid.get("value")) or mcid["value"] <= 0:
        problems.append("mcid.value: expected a positive number")
    elif low is not None and mcid["value"] >= high - low:
        problems.append("mcid.value: must be smaller than the score range")
    if not isinstance(mcid, dict) or not isinstance(mcid.get("source"), str) or not mcid.get("source", "").strip():
        problems.append("mcid.source: expected the citation the MCID comes from")
    scoring = definition.get("scoring")
    if not isinstance(scoring, dict) or scoring.get("method") not in SCORING_METHODS:
        problems.append(f"scoring.method: expected one of {sorted(SCORING_METHODS)}")
        scoring = {}
    min_answered = scoring.get("min_answered")
    if not isinstance(min_answered, int) or isinstance(min_answered, bool) or min_answered < 1:
        problems.append("scoring.min_answered: expected a whole number from 1")
        min_answered = None
    if not isinstance(scoring.get("decimals", 0), int):
        problems.append("scoring.decimals: expected a whole number")
    _text_map(definition.get("instructions"), "instructions", languages, problems)
    items = definition.get("items")
    if not isinstance(items, list) or not items:
        problems.append("items: expected a non-empty list")
        return problems
    if len(items) > MAX_ITEMS:
        problems.append(f"items: at most {MAX_ITEMS} items")
    if min_answered is not None and min_answered > len(items):
        problems.append("scoring.min_answered: more than the number of items")
    seen = set()
    for number, item in enumerate(items):
        path = f"items[{number}]"
        if not isinstance(item, dict):
            problems.append(f"{path}: expected an object")
            continue
        item_key = item.get("key")
        if not isinstance(item_key, str) or not item_key or len(item_key) > 40 or not set(item_key) <= KEY_CHARS:
            problems.append(f"{path}.key: expected 1–40 lower-case letters, digits, '-' or '_'")
        elif item_key in seen:
            problems.append(f"{path}.key: {item_key!r} is used by an earlier item")
        seen.add(item_key)
        if item.get("kind") not in ITEM_KINDS:
            problems.append(f"{path}.kind: expected one of {sorted(ITEM_KINDS)}")
        _text_map(item.get("text"), f"{path}.text", languages, problems)
        if not isinstance(item.get("min"), int) or not isinstance(item.get("max"), int) or item["min"] >= item["max"]:
            problems.append(f"{path}: expected whole numbers min < max")
            continue
        anchors = item.get("anchors", {})
        if not isinstance(anchors, dict):
            problems.append(f"{path}.anchors: expected an object of texts by answer value")
            continue
        for value, label in anchors.items():
            if not value.lstrip("-").isascii() or not value.lstrip("-").isdigit():
                problems.append(f"{path}.anchors: {value!r} is not a whole number")
            elif not item["min"] <= int(value) <= item["max"]:
                problems.append(f"{path}.anchors: {value} is outside {item['min']}–{item['max']}")
            _text_map(label, f"{path}.anchors.{value}", languages, problems)
    return problems


def score(definition: dict, answers: dict[str, Answer]) -> Decimal | None:
    """The instrument's score from its answers by item key, or ``None`` when too few were answered.

    Unanswered items (value ``None`` or absent) are left out: ``mean`` averages the answered
    items, as the PSFS's "sum of the activity scores / number of activities" does; both methods
    need ``scoring.min_answered`` answers, below which no score is given.
    """
    scoring = definition["scoring"]
    values = [answers[item["key"]].value for item in definition["items"] if item["key"] in answers]
    values = [value for value in values if value is not None]
    if len(values) < scoring["min_answered"]:
        return None
    total = Decimal(sum(values))
    result = total / len(values) if scoring["method"] == "mean" else total
    quantum = Decimal(1).scaleb(-scoring.get("decimals", 0))
    return result.quantize(quantum, rounding=ROUND_HALF_UP)


def change_verdict(definition: dict, baseline: Decimal, current: Decimal) -> Verdict:
    """Improved or worse by at least the MCID, in the instrument's own direction; otherwise no important change."""
    gain = current - baseline if definition["higher_is_better"] else baseline - current
    mcid = Decimal(str(definition["mcid"]["value"]))
    if gain >= mcid:
        return Verdict.IMPROVED
    if gain <= -mcid:
        return Verdict.WORSE
    return Verdict.NO_CHANGE


def text_in(texts: dict, language: str) -> str:
    """The text in ``language``, else English, else the first one: callers say when it is not theirs."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
