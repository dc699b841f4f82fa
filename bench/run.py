"""`make bench`: measure what users wait for, print each target as a ratio, write bench/results.json.

Run from the repository root: `.venv/bin/python bench/run.py`. Everything happens on a
throw-away database (SQLite in BENCH_DIR, or a fresh PostgreSQL database on the server
DATABASE_URL names) with production-like settings (DEBUG off).

Every target is a ratio to a reference measured in the same run, interleaved with it so that
a busy or slower machine moves both alike: a clinician's page against the signed-in floor (the
session, user and memberships loaded, base.html rendered with no content: bench/urls.py), a
public page against /healthz (one database query through the whole middleware stack), all
requested over HTTP from the same gunicorn server in the same loop; a render against the naive
render of the same handout. Absolute figures are kept for
information, with the machine's CPU.
A missed target is reported, not an error: the exit status is 0.
"""

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from settings_env import BENCH_DIR, configure, throwaway_database  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
RENDER_RUNS = {10: 7, 30: 5}  # interleaved rounds: project, naive, no pictures (, photos)
PAGE_RUNS = 40  # interleaved rounds: /healthz, the signed-in floor, then every page
# The references pages are measured against: public pages /healthz, signed-in pages the floor.
REFERENCES = {"healthz": "/healthz", "floor": "the signed-in floor"}
ISSUE_REQUEST_RUNS = 40  # interleaved with /healthz: a claim and an enqueue each
ISSUE_RUNS = 5  # interleaved: the render alone, then a click until the worker stored the PDF
SAVE_DURING_RUNS = 9  # each is a real issue; a median of 9 is steadier on a busy machine
LOAD_ROUNDS = 3  # interleaved wrk runs: /healthz then each loaded page
LOAD_SECONDS = 5
WRK = ["wrk", "-t2", "-c16", "--latency"]
GROWTH_RENDERS = 200


@dataclass(frozen=True)
class Page:
    """A page timed against its reference: its median must stay within ``goal`` × the reference's.

    A signed-in page's reference is the signed-in floor; a public page's is /healthz.
    """

    name: str
    label: str
    path: Callable[[dict], str]
    goal: float = 3.0
    signed_in: bool = True

    @property
    def reference(self) -> str:
        return "floor" if self.signed_in else "healthz"


def _pages() -> list[Page]:
    from bench_render import download_path_public, download_url, public_page_url
    from django.urls import reverse

    return [
        Page(
            "catalogue_search",
            "catalogue search, text + 2 filters, 10,000 exercises",
            lambda d: reverse("exercises:catalogue") + "?q=bridge&region=hip&kind=strengthening",
        ),
        Page(
            "builder_30_items",
            "builder with 30 items",
            lambda d: reverse("prescriptions:program-builder", args=[d["programs"][30].pk]),
        ),
        Page("patient_list", "patient list, 1,000 patients", lambda d: reverse("patients:patient-list")),
        Page(
            "stored_handout_download",
            "stored handout PDF, clinician download",
            lambda d: download_url(d["handouts"][10]),
            goal=1.5,
        ),
        Page("patient_link_page", "patient link page", lambda d: public_page_url(d["token"]), goal=2, signed_in=False),
        Page(
            "patient_pdf_download",
            "stored handout PDF, patient download",
            lambda d: download_path_public(d["token"]),
            goal=2,
            signed_in=False,
        ),
    ]


# Pages driven by wrk against gunicorn, each against /healthz: (name, path, throughput goal or None).
def _loaded_pages(data) -> list[tuple[str, str, float | None]]:
    from bench_render import download_path_public, public_page_url

    return [
        ("patient_link_page", public_page_url(data["token"]), 0.5),
        ("patient_pdf_download", download_path_public(data["token"]), None),
    ]


# ----------------------------------------------------------------------------- helpers


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: list[float]) -> dict:
    values = [s * 1000 for s in seconds]
    return {
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "runs": len(values),
    }


def interleaved(fns: dict[str, Callable], runs: int) -> dict[str, list[float]]:
    """Time each function once per round, round after round, so that load from elsewhere
    on the machine falls on all of them alike."""
    for fn in fns.values():
        fn()  # warm: templates, fonts, imports, caches
    times = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def ratio(value: float, reference: float) -> float:
    return round(value / reference, 3)


def worker(*args) -> dict:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "render_worker.py"), *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def machine(vendor: str) -> dict:
    model = platform.processor() or "unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M).group(1).strip()
    except (OSError, AttributeError):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "database": vendor,
    }


# ----------------------------------------------------------------------------- measurements


def measure_renders(programs) -> dict:
    from bench_render import naive_render, project_render, project_render_with_photos, project_render_without_pictures

    results = {}
    for size, runs in RENDER_RUNS.items():
        program = programs[size]
        fns = {
            "project": lambda p=program: project_render(p),
            "naive": lambda p=program: naive_render(p),
            "no_pictures": lambda p=program: project_render_without_pictures(p),
        }
        if size == 10:
            fns["png_photos"] = lambda p=program: project_render_with_photos(p)
        times = interleaved(fns, runs)
        pdf = project_render(program)
        first = worker("first", program.pk)
        figures = {name: ms(values) for name, values in times.items()}
        project = figures["project"]["median_ms"]
        results[str(size)] = {
            "vs_naive": ratio(project, figures["naive"]["median_ms"]),
            "vs_no_pictures": ratio(project, figures["no_pictures"]["median_ms"]),
            **({"drawings_vs_png_photos": ratio(project, figures["png_photos"]["median_ms"])} if size == 10 else {}),
            "absolute": {
                **figures,
                "first_render_ms": first["ms"],
                "peak_rss_mb": first["peak_rss_mb"],
                "pages": pdf.page_count,
                "bytes": len(pdf.content),
            },
        }
    return results


def http_get(base: str, path: str, cookie: str | None = None) -> bytes:
    """One GET on a new connection, as a browser's first request to a sync worker; the whole body read."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise AssertionError(f"GET {re.sub(r'/p/[^/]+/', '/p/<token>/', path)} answered {response.status}")
    return body


def measure_pages(data, client, base: str) -> dict:
    """Each page over HTTP from the gunicorn server, interleaved with /healthz from the same server.

    Query counts are read in-process with the test client (the same views and settings).
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.urls import FLOOR_PATH

    anonymous = Client()
    cookie = f"{settings_cookie_name()}={client.cookies[settings_cookie_name()].value}"
    targets = {"healthz": (anonymous, "/healthz", None), "floor": (client, FLOOR_PATH, cookie)}
    for page in _pages():
        targets[page.name] = (client, page.path(data), cookie) if page.signed_in else (anonymous, page.path(data), None)

    queries, fetchers = {}, {}
    for name, (agent, url, page_cookie) in targets.items():
        response = agent.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = agent.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        queries[name] = len(captured.captured_queries)
        fetchers[name] = lambda url=url, page_cookie=page_cookie: http_get(base, url, page_cookie)
        for _ in range(3):  # both workers warm: templates, caches, connections
            fetchers[name]()

    times = interleaved(fetchers, PAGE_RUNS)
    healthz = ms(times["healthz"])
    floor = ms(times["floor"])
    results = {
        "healthz": {**healthz, "queries": queries["healthz"], "url": "/healthz"},
        "floor": {
            **floor,
            "vs_healthz": ratio(floor["median_ms"], healthz["median_ms"]),
            "queries": queries["floor"],
            "url": FLOOR_PATH,
        },
    }
    for page in _pages():
        figures = ms(times[page.name])
        reference = results[page.reference]["median_ms"]
        results[page.name] = {
            "reference": page.reference,
            "vs_reference": ratio(figures["median_ms"], reference),
            "vs_healthz": ratio(figures["median_ms"], healthz["median_ms"]),
            **figures,
            "queries": queries[page.name],
            "url": re.sub(r"/p/[^/]+/", "/p/<token>/", targets[page.name][1]),
        }
    return results


def settings_cookie_name() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


def _issue_path(data):
    from django.urls import reverse

    program = data["programs"][10]
    return program, reverse("prescriptions:handout-issue", args=[program.pk])


def _issue(client, url):
    response = client.post(url, {"confirm": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code


def _save_dose(client, program, sets):
    """What the builder posts when a clinician changes an item's sets."""
    from django.urls import reverse

    from prescriptions.forms import ItemDoseForm

    item = program.items.order_by("order").first()
    # The builder names the item's own revision (conflicts are per item).
    form = ItemDoseForm(instance=item, prefix=f"item-{item.pk}", initial={"revision": item.revision})
    post = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            post[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    post[form.add_prefix("sets")] = str(sets)
    start = time.perf_counter()
    response = client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]), post, HTTP_HX_REQUEST="true"
    )
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@contextmanager
def task_worker():
    """``manage.py db_worker`` on the bench database, as production runs it beside the app servers."""
    env = {**os.environ, "TASKS_BACKEND": "database"}
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.02"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _wait_until(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.002)


def measure_issue(data, client) -> dict:
    """Issuing with the render in a task worker (issue 31), each figure against its reference:

    - the issue request alone (claim and enqueue, the database task backend) against /healthz,
      both through the test client, interleaved;
    - the click to the stored PDF (the request, the worker's pick-up, the render in the worker,
      the store) against the render alone in this process, interleaved;
    - a dose save while the worker renders against the same save with no render running.
    """
    from bench_render import project_render
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from prescriptions.models import HandoutClaim

    program, url = _issue_path(data)
    first = program.items.order_by("order").first()
    bumps = iter(range(1, 10_000))

    def change():
        # A real issue each time: unchanged content would answer with the newest version at once.
        # Once before each issue, so the sets alternate against the newest version's.
        n = next(bumps)
        type(first).objects.filter(pk=first.pk).update(sets=5 + n % 2, revision=first.revision + 1000 + n)

    def stored(version):
        return lambda: program.handouts.filter(version=version).exists()

    def click_and_store() -> None:
        version = program.handouts.newest().version + 1
        _issue(client, url)
        _wait_until(stored(version), f"version {version} stored by the worker")

    with override_settings(TASKS=DATABASE_TASKS):
        healthz, requests = [], []
        for _ in range(ISSUE_REQUEST_RUNS):
            change()
            start = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            healthz.append(time.perf_counter() - start)
            start = time.perf_counter()
            _issue(client, url)
            requests.append(time.perf_counter() - start)
            # No worker runs yet: drop the claim and its task, so the next request claims again.
            HandoutClaim.objects.filter(program=program).delete()
            DBTaskResult.objects.all().delete()

        with task_worker():
            project_render(program)  # warm this process
            change()
            click_and_store()  # warm the worker: its first render imports WeasyPrint and loads fonts
            renders, clicks = [], []
            for _ in range(ISSUE_RUNS):
                start = time.perf_counter()
                project_render(program)
                renders.append(time.perf_counter() - start)
                change()
                start = time.perf_counter()
                click_and_store()
                clicks.append(time.perf_counter() - start)

            alone, during = [], []
            for i in range(SAVE_DURING_RUNS):
                alone.append(_save_dose(client, program, 3 + i % 2))
                change()
                version = program.handouts.newest().version + 1
                _issue(client, url)
                _wait_until(
                    lambda: HandoutClaim.objects.filter(program=program, render_started_at__isnull=False).exists(),
                    "the worker to start rendering",
                )
                during.append(_save_dose(client, program, 3 + i % 2))
                _wait_until(stored(version), f"version {version} stored by the worker")
    request, reference, click, render = ms(requests), ms(healthz), ms(clicks), ms(renders)
    save_alone, save_during = ms(alone), ms(during)
    return {
        "request_vs_healthz": ratio(request["median_ms"], reference["median_ms"]),
        "click_to_stored_vs_render": ratio(click["median_ms"], render["median_ms"]),
        "save_during_render_vs_alone": ratio(save_during["median_ms"], save_alone["median_ms"]),
        "absolute": {
            "issue_request": request,
            "healthz_in_process": reference,
            "click_to_stored_pdf_10_exercises": click,
            "render_10_exercises": render,
            "dose_save_alone": save_alone,
            "dose_save_during_render": save_during,
        },
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, seconds: int) -> dict:
    out = subprocess.run([*WRK, f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout

    def latency(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


GUNICORN_WORKERS = 2


@contextmanager
def gunicorn_server():
    """The app under gunicorn (2 sync workers, as `make serve`), on a free port: yields its base URL."""
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start within 30 s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def measure_load(data, base: str) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench` installs it (scripts/system-deps.sh --bench).")
    targets = {"healthz": ("/healthz", None), **{name: (path, goal) for name, path, goal in _loaded_pages(data)}}
    for path, _goal in targets.values():
        subprocess.run(["wrk", "-t1", "-c2", "-d2s", base + path], check=True, capture_output=True)  # warm
    runs = {name: [] for name in targets}
    for _ in range(LOAD_ROUNDS):
        for name, (path, _goal) in targets.items():
            runs[name].append(wrk(base + path, LOAD_SECONDS))

    def total(name):
        figures = runs[name]
        requests = sum(f["requests"] for f in figures)
        return {
            "requests_per_second": round(requests / (LOAD_SECONDS * len(figures)), 1),
            "p50_ms": round(statistics.median(f["p50_ms"] for f in figures), 2),
            "p99_ms": round(max(f["p99_ms"] for f in figures), 2),
            "requests": requests,
            "errors": sum(f["errors"] for f in figures),
            "rounds": len(figures),
        }

    healthz = total("healthz")
    wrk_settings = f"{' '.join(WRK)} -d{LOAD_SECONDS}s × {LOAD_ROUNDS} rounds"
    results = {"settings": f"gunicorn {GUNICORN_WORKERS} workers; {wrk_settings}"}
    results["healthz"] = healthz
    for name in targets:
        if name != "healthz":
            figures = total(name)
            results[name] = {
                "throughput_vs_healthz": ratio(figures["requests_per_second"], healthz["requests_per_second"]),
                **figures,
            }
    return results


# ----------------------------------------------------------------------------- targets


def measure_catalogue() -> dict:
    """What a catalogue editor waits for, on a database with no exercises yet: importing the whole
    bundled catalogue (every pose drawn and checked against its steps), then `make pictures` (the
    import again, as it runs it, and the review sheet of every picture)."""
    import tempfile

    from django.core.management import call_command

    from exercises.models import Exercise, ExercisePicture

    with open(os.devnull, "w") as quiet, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        call_command("import_catalogue", stdout=quiet)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        call_command("import_catalogue", stdout=quiet)
        call_command("picture_sheet", "-o", str(Path(folder) / "pictures.html"), stdout=quiet)
        pictures = time.perf_counter() - started
    return {
        "exercises": Exercise.objects.catalogue().count(),
        "pictures": ExercisePicture.objects.exclude(pose=None).count(),
        "import_seconds": round(imported, 1),
        "make_pictures_seconds": round(pictures, 1),
    }


def targets(results, data) -> list[dict]:
    """Each target: the measured ratio, the goal, whether it is met, and the absolute figures behind it."""
    rows = []

    def add(label, value, op, goal, absolute, unit="×"):
        met = value <= goal if op == "<=" else value >= goal
        rows.append(
            {
                "target": label,
                "measured": value,
                "goal": f"{'≤' if op == '<=' else '≥'} {goal}{unit}",
                "met": bool(met),
                "absolute": absolute,
            }
        )

    render = results["render"]
    for size in ("10", "30"):
        figures = render[size]["absolute"]
        add(
            f"handout render, {size} exercises, vs naive render",
            render[size]["vs_naive"],
            "<=",
            0.25,
            f"{figures['project']['median_ms']:.0f} ms vs {figures['naive']['median_ms']:.0f} ms",
        )
    figures = render["10"]["absolute"]
    add(
        "pose drawings vs 300×200 PNG photos, 10 exercises",
        render["10"]["drawings_vs_png_photos"],
        "<=",
        1,
        f"{figures['project']['median_ms']:.0f} ms vs {figures['png_photos']['median_ms']:.0f} ms",
    )
    add("memory growth over 200 renders", results["memory_growth_mb"], "<=", 15, "", unit=" MB")
    pages = results["pages"]
    for page in _pages():
        figures, reference = pages[page.name], pages[page.reference]
        add(
            f"{page.label}, vs {REFERENCES[page.reference]}",
            figures["vs_reference"],
            "<=",
            page.goal,
            f"{figures['median_ms']} ms vs {reference['median_ms']} ms, {figures['queries']} queries",
        )
    load = results["load"]
    for name, _path, goal in _loaded_pages(data):
        if goal is not None:
            add(
                f"{name.replace('_', ' ')} under load, throughput vs /healthz",
                load[name]["throughput_vs_healthz"],
                ">=",
                goal,
                f"{load[name]['requests_per_second']} vs {load['healthz']['requests_per_second']} req/s",
            )
    errors = sum(v["errors"] for k, v in load.items() if isinstance(v, dict))
    add(
        "errors under load",
        errors,
        "<=",
        0,
        f"{sum(v['requests'] for v in load.values() if isinstance(v, dict))} requests",
        unit="",
    )
    catalogue = results["catalogue"]
    counts = f"{catalogue['exercises']} exercises, {catalogue['pictures']} drawn pictures"
    # Absolute, as issue 27 asks: a one-off wait on the 2-core machine, with no reference to hold it to.
    add("catalogue import, the whole bundled catalogue", catalogue["import_seconds"], "<=", 120, counts, unit=" s")
    add("make pictures (import and review sheet)", catalogue["make_pictures_seconds"], "<=", 120, counts, unit=" s")
    issue = results["issue"]
    figures = issue["absolute"]
    add(
        "issue request (claim and enqueue), vs /healthz",
        issue["request_vs_healthz"],
        "<=",
        2,
        f"{figures['issue_request']['median_ms']} ms vs {figures['healthz_in_process']['median_ms']} ms",
    )
    add(
        "click to stored PDF (task worker), 10 exercises, vs the render alone",
        issue["click_to_stored_vs_render"],
        "<=",
        1.3,
        f"{figures['click_to_stored_pdf_10_exercises']['median_ms']} ms vs "
        f"{figures['render_10_exercises']['median_ms']} ms",
    )
    add(
        "dose save during a render (in the worker), vs the same save alone",
        issue["save_during_render_vs_alone"],
        "<=",
        1.2,
        f"{figures['dose_save_during_render']['median_ms']} ms vs {figures['dose_save_alone']['median_ms']} ms",
    )
    return rows


def information(results) -> list[dict]:
    """Ratios without a goal, shown so their cost stays visible."""
    render = results["render"]
    rows = [
        {
            "what": f"handout render, {size} exercises, vs the same handout without pictures",
            "measured": render[size]["vs_no_pictures"],
            "absolute": f"{render[size]['absolute']['project']['median_ms']:.0f} ms vs "
            f"{render[size]['absolute']['no_pictures']['median_ms']:.0f} ms",
        }
        for size in ("10", "30")
    ]
    floor = results["pages"]["floor"]
    rows.append(
        {
            "what": "the signed-in floor page, vs /healthz",
            "measured": floor["vs_healthz"],
            "absolute": f"{floor['median_ms']} ms vs {results['pages']['healthz']['median_ms']} ms, "
            f"{floor['queries']} queries",
        }
    )
    return rows


def report(results) -> None:
    rows, info = results["targets"], results["information"]
    width = max(len(r["target"]) for r in rows)
    print(f"\nTargets ({results['machine']['database']}; ratios to a reference measured in the same run)")
    print(f"{'target':<{width}}  {'measured':>9}  {'goal':>8}  met  absolute (for information)")
    for row in rows:
        print(
            f"{row['target']:<{width}}  {row['measured']:>9}  {row['goal']:>8}  {'yes' if row['met'] else 'NO ':<3}"
            f"  {row['absolute']}"
        )
    print("\nFor information")
    for row in info:
        print(f"{row['what']:<{width}}  {row['measured']:>9}×  {row['absolute']}")
    m = results["machine"]
    print(
        f"\nMachine: {m['cpu']}, {m['cores']} cores, load average {m['load_average_at_start']} at start; "
        f"Python {m['python']}; {m['database']}"
    )
    for size, figures in results["render"].items():
        a = figures["absolute"]
        print(
            f"  render {size:>2} exercises: median {a['project']['median_ms']} ms (p95 {a['project']['p95_ms']}), "
            f"naive {a['naive']['median_ms']}, no pictures {a['no_pictures']['median_ms']}, first "
            f"{a['first_render_ms']}, {a['pages']} pages, {a['bytes']} bytes, peak RSS {a['peak_rss_mb']} MB"
        )
    for name, figures in results["pages"].items():
        print(f"  {name}: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, {figures['queries']} queries")
    for name, figures in results["load"].items():
        if isinstance(figures, dict):
            print(
                f"  under load, {name}: {figures['requests_per_second']} req/s, p50 {figures['p50_ms']} ms, "
                f"p99 {figures['p99_ms']} ms, {figures['errors']} errors / {figures['requests']} requests"
            )
    print(f"\nWrote {RESULTS.relative_to(ROOT)} in {results['seconds']} s; {results['targets_met']} targets met")


def main():
    started = time.monotonic()
    configure()
    shutil.rmtree(BENCH_DIR / "media", ignore_errors=True)
    shutil.rmtree(BENCH_DIR / "private", ignore_errors=True)
    with throwaway_database() as vendor:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        print(f"Preparing a throw-away {vendor} database ...", flush=True)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        import data as bench_data
        from bench_render import issue_all

        print("Importing the catalogue and drawing its pictures ...", flush=True)
        catalogue = measure_catalogue()  # first, while the database holds no exercise
        data = bench_data.build()
        data.update(issue_all(data))
        # A live database has statistics of its tables (autovacuum, or SQLite's optimizer); a
        # database just bulk-loaded has none, and its query plans would be a fresh install's.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(data["user"])

        results = {"machine": machine(vendor), "catalogue": catalogue}
        print("Rendering handouts (each beside the naive render) ...", flush=True)
        results["render"] = measure_renders(data["programs"])
        growth = worker("growth", data["programs"][10].pk, GROWTH_RENDERS)
        results["memory_growth_mb"] = growth["growth_mb"]
        results["memory_growth_detail"] = growth
        print("Issuing with a task worker, and saving during a render ...", flush=True)
        results["issue"] = measure_issue(data, client)
        with gunicorn_server() as base:
            print("Timing pages over HTTP beside /healthz (gunicorn, 2 workers) ...", flush=True)
            results["pages"] = measure_pages(data, client, base)
            results["query_counts_independent_of_data_size"] = "pinned by tests (tests/*query_count*)"
            print("Load test beside /healthz (the same server) ...", flush=True)
            results["load"] = measure_load(data, base)
        results["targets"] = targets(results, data)
        results["information"] = information(results)
        results["targets_met"] = f"{sum(r['met'] for r in results['targets'])}/{len(results['targets'])}"
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    RESULTS.write_text(text)
    # Kept per database too, so the README's two tables can be checked against their runs.
    RESULTS.with_name(f"results-{results['machine']['database']}.json").write_text(text)
    report(results)


if __name__ == "__main__":
    main()
