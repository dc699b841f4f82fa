"""No test names a calendar date unless it also fixes the clock (issue 23).

A date typed into a test is true for a while: the day it passes, the test starts failing for
reasons that have nothing to do with the code. So a test function that calls ``date(2026, ...)``
or ``datetime(2026, ...)`` must fix the clock: name its day with ``@pytest.mark.clock(<day>)`` (on
the function, its class or the module's ``pytestmark``) or take time-machine's ``time_machine``
fixture and move the clock itself. Helper code outside test functions names no date, unless every
test of its module fixes the clock.
"""

import ast
import pathlib

TESTS = pathlib.Path(__file__).parent
DATE_CALLS = {"date", "datetime"}
# A date of birth is a fact about a person, not about today: it stays true on every day.
ALLOWED_KEYWORDS = {"date_of_birth"}


def _calendar_dates(node: ast.AST) -> list[int]:
    """Line numbers of ``date(YYYY, ...)`` / ``datetime.datetime(YYYY, ...)`` calls under node."""
    allowed = set()
    for keyword in (n for n in ast.walk(node) if isinstance(n, ast.keyword) and n.arg in ALLOWED_KEYWORDS):
        allowed.add(id(keyword.value))
    for assign in (n for n in ast.walk(node) if isinstance(n, ast.Assign)):
        if any(getattr(target, "id", None) in ALLOWED_KEYWORDS for target in assign.targets):
            allowed.add(id(assign.value))
    lines = []
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call) and id(n) not in allowed):
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        first = call.args[0] if call.args else None
        if name in DATE_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, int):
            if 1900 <= first.value <= 2200:
                lines.append(call.lineno)
    return lines


def _names_a_day(decorators: list[ast.expr]) -> bool:
    """True if one of the decorators (or pytestmark items) is ``pytest.mark.clock(<something>)``."""
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            if decorator.func.attr == "clock" and decorator.args:
                return True
    return False


def _moves_the_clock(function: ast.FunctionDef, clock_fixtures: set[str]) -> bool:
    """The test takes time-machine's fixture, or a fixture of its module that does: it sets the
    clock itself (or through a helper)."""
    return any(arg.arg in clock_fixtures for arg in function.args.args)


def _clock_fixtures(tree: ast.Module) -> set[str]:
    """``time_machine`` and the module's fixtures that take it."""
    names = {"time_machine"}
    for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        if any(arg.arg == "time_machine" for arg in function.args.args):
            names.add(function.name)
    return names


def _has_tests(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.FunctionDef) and n.name.startswith("test") for n in ast.walk(tree))


def _module_marks(tree: ast.Module) -> list[ast.expr]:
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in statement.targets):
            value = statement.value
            return list(value.elts) if isinstance(value, ast.List | ast.Tuple) else [value]
    return []


def _offences(path: pathlib.Path, root: pathlib.Path = TESTS.parent) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    module_fixes_clock = _names_a_day(_module_marks(tree))
    clock_fixtures = _clock_fixtures(tree)
    offences, inside_tests, unfixed_tests = [], set(), []

    def visit(node, class_fixes_clock=False):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, class_fixes_clock or _names_a_day(child.decorator_list))
            elif isinstance(child, ast.FunctionDef) and child.name in clock_fixtures:
                inside_tests.update(_calendar_dates(child))  # a fixture that sets the clock to its date
            elif isinstance(child, ast.FunctionDef) and child.name.startswith("test"):
                fixed = (
                    module_fixes_clock
                    or class_fixes_clock
                    or _names_a_day(child.decorator_list)
                    or _moves_the_clock(child, clock_fixtures)
                )
                if not fixed:
                    unfixed_tests.append(child.name)
                for line in _calendar_dates(child):
                    inside_tests.add(line)
                    if not fixed:
                        offences.append(f"{path.relative_to(root)}:{line} in {child.name}")

    visit(tree)
    # Helpers, fixtures and factories work on any day: their dates are relative to today.
    every_test_fixes_it = not unfixed_tests and _has_tests(tree)
    for line in _calendar_dates(tree):
        if line not in inside_tests and not every_test_fixes_it:
            offences.append(f"{path.relative_to(root)}:{line} outside a test")
    return offences


def test_every_test_that_names_a_calendar_date_fixes_the_clock():
    offences = [offence for path in sorted(TESTS.rglob("*.py")) for offence in _offences(path)]
    assert offences == []


def test_the_check_sees_an_unfixed_date_and_accepts_a_fixed_one(tmp_path):
    unfixed = tmp_path / "test_unfixed.py"
    unfixed.write_text("import datetime\n\ndef test_x():\n    assert datetime.date(2026, 11, 2)\n")
    fixed = tmp_path / "test_fixed.py"
    fixed.write_text(
        "import datetime, pytest\n\n@pytest.mark.clock(datetime.date(2026, 12, 7))\n"
        "def test_x():\n    assert datetime.date(2026, 11, 2)\n"
    )
    moved = tmp_path / "test_moved.py"
    moved.write_text(
        "import datetime\n\nSTART = datetime.date(2026, 3, 2)\n\n"
        "def test_x(time_machine):\n    time_machine.move_to(datetime.datetime(2026, 3, 9))\n"
    )
    helper = tmp_path / "helpers.py"
    helper.write_text("import datetime\nSTART = datetime.date(2026, 11, 2)\n")

    assert _offences(unfixed, tmp_path) == ["test_unfixed.py:4 in test_x"]
    assert _offences(fixed, tmp_path) == []
    assert _offences(moved, tmp_path) == []
    assert _offences(helper, tmp_path) == ["helpers.py:2 outside a test"]
