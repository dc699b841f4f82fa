"""The code keeps to its architecture: private internals of libraries are touched in one place.

The layers themselves (outcomes → progress → prescriptions → patients | exercises → core, no cycles) are import-linter
contracts in pyproject.toml, run by `make test` as `lint-imports`.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "core", "exercises", "patients", "prescriptions", "progress", "outcomes")
# The one module allowed to rely on WeasyPrint's and pydyf's internals, behind a version check.
COMPATIBILITY_MODULE = ROOT / "prescriptions" / "handout" / "weasyprint_replay.py"
# Django's documented model API, despite the underscore.
PUBLIC_UNDERSCORE_NAMES = {"_meta"}


def _project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path != COMPATIBILITY_MODULE:
                yield path


def _private_accesses(path: Path) -> list[str]:
    """``something._private`` where ``something`` is not this object, this class or our own module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    own_modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__") or name in PUBLIC_UNDERSCORE_NAMES:
            continue
        base = node.value
        if isinstance(base, ast.Name) and (base.id in ("self", "cls") or base.id in own_modules):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{name}")
    return found


def test_no_private_attribute_of_a_library_is_used_outside_the_compatibility_module():
    found = [access for path in _project_modules() for access in _private_accesses(path)]
    assert found == []


def test_the_compatibility_module_is_where_the_internals_are():
    """The check above would pass vacuously if the replay stopped using the internals it guards."""
    accesses = _private_accesses(COMPATIBILITY_MODULE)
    assert any(access.endswith("._resources") for access in accesses)
    assert any(access.endswith("._to_bytes") for access in accesses)
