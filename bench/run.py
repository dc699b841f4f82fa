"""`make bench`: measure what users wait for, print a table, write bench/results.json.

Run from the repository root: `.venv/bin/python bench/run.py`. Everything happens on a
throw-away database in BENCH_DIR with production-like settings (DEBUG off).
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from settings_env import BENCH_DIR, configure  # noqa: E402

ENV = configure()
if ENV["DATABASE_URL"].startswith("sqlite:"):
    Path(ENV["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
shutil.rmtree(BENCH_DIR / "media", ignore_errors=True)
shutil.rmtree(BENCH_DIR / "private", ignore_errors=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
WARM_RENDERS = 9
PAGE_RUNS = 30


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2), "runs": len(ms)}


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


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


def measure_renders(programs) -> dict:
    from bench_render import naive_render, project_render, project_render_with_photos

    results = {}
    for size, program in programs.items():
        project_render(program)  # warm: templates, fonts, imports
        project_render(program)
        rendered = {}

        def once(rendered=rendered, program=program):
            rendered["pdf"] = project_render(program)

        stats = summary_ms(timed(once, WARM_RENDERS))
        first = worker("first", program.pk)
        results[size] = {
            **stats,
            "first_render_ms": first["ms"],
            "pages": rendered["pdf"].page_count,
            "bytes": len(rendered["pdf"].content),
            "peak_rss_mb": first["peak_rss_mb"],
        }
        naive_render(program)
        naive = summary_ms(timed(lambda program=program: naive_render(program), WARM_RENDERS if size <= 10 else 3))
        results[size]["naive_median_ms"] = naive["median_ms"]
        results[size]["speedup_vs_naive"] = round(naive["median_ms"] / stats["median_ms"], 2)
        if size == 10:
            project_render_with_photos(program)
            photos = summary_ms(timed(lambda program=program: project_render_with_photos(program), WARM_RENDERS))
            results[size]["with_png_photos_median_ms"] = photos["median_ms"]
            results[size]["drawings_vs_photos"] = round(stats["median_ms"] / photos["median_ms"], 2)
    return results


def measure_pages(data, client) -> dict:
    from bench_render import download_url, public_page_url
    from django.urls import reverse

    programs = data["programs"]
    pages = {
        "catalogue_search": reverse("exercises:catalogue") + "?q=bridge&region=hip&kind=strengthening",
        "builder_30_items": reverse("prescriptions:program-builder", args=[programs[30].pk]),
        "patient_list": reverse("patients:patient-list"),
        "patient_link_page": public_page_url(data["token"]),
        "stored_handout_download": download_url(data["handouts"][10]),
    }
    anonymous = Client()
    results = {}
    for name, url in pages.items():
        agent = anonymous if name == "patient_link_page" else client
        response = agent.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            agent.get(url)
        # Count now: every later request starts by clearing the connection's query log.
        query_count = len(queries.captured_queries)

        def fetch(agent=agent, url=url):
            response = agent.get(url)
            if response.streaming:
                b"".join(response.streaming_content)

        results[name] = {
            **summary_ms(timed(fetch, PAGE_RUNS)),
            "queries": query_count,
            "url": re.sub(r"/p/[^/]+/", "/p/<token>/", url),
        }
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, seconds: int = 10, connections: int = 16) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def latency(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": requests,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
        "seconds": seconds,
    }


def measure_load(data) -> dict:
    from bench_render import download_path_public, public_page_url

    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench` installs it (scripts/system-deps.sh --bench).")
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name, path in {
            "patient_link_page": public_page_url(data["token"]),
            "patient_pdf_download": download_path_public(data["token"]),
        }.items():
            subprocess.run(["wrk", "-t1", "-c2", "-d2s", base + path], check=True, capture_output=True)  # warm
            results[name] = wrk(base + path)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


TARGETS = [
    # (label, figure getter, comparison, target)
    ("10-exercise handout render, median", lambda r: r["render"]["10"]["median_ms"], "<=", 200, "ms"),
    ("10-exercise render vs naive baseline", lambda r: r["render"]["10"]["speedup_vs_naive"], ">=", 2, "×"),
    ("10-exercise render, drawings vs PNG photos", lambda r: r["render"]["10"]["drawings_vs_photos"], "<=", 1,
     "×"),
    ("30-exercise handout render, median", lambda r: r["render"]["30"]["median_ms"], "<=", 600, "ms"),
    ("memory growth over 200 renders", lambda r: r["memory_growth_mb"], "<=", 15, "MB"),
    ("stored handout download", lambda r: r["pages"]["stored_handout_download"]["median_ms"], "<=", 5, "ms"),
    ("catalogue search, 10,000 exercises", lambda r: r["pages"]["catalogue_search"]["median_ms"], "<=", 30, "ms"),
    ("builder with 30 items", lambda r: r["pages"]["builder_30_items"]["median_ms"], "<=", 40, "ms"),
    ("patient list, 1,000 patients", lambda r: r["pages"]["patient_list"]["median_ms"], "<=", 30, "ms"),
    ("patient link page", lambda r: r["pages"]["patient_link_page"]["median_ms"], "<=", 20, "ms"),
    (
        "patient link page under load",
        lambda r: r["load"]["patient_link_page"]["requests_per_second"],
        ">=",
        300,
        "req/s",
    ),
    ("errors under load", lambda r: sum(v["errors"] for v in r["load"].values()), "<=", 0, ""),
]


def main():
    started = time.monotonic()

    print("Preparing a throw-away database in", BENCH_DIR, "...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    import data as bench_data
    from bench_render import issue_all

    data = bench_data.build()
    data.update(issue_all(data))
    client = Client()
    client.force_login(data["user"])

    results = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0], "database": connection.vendor}}
    print("Rendering handouts ...", flush=True)
    results["render"] = {str(k): v for k, v in measure_renders(data["programs"]).items()}
    growth = worker("growth", data["programs"][10].pk, 200)
    results["memory_growth_mb"] = growth["growth_mb"]
    results["memory_growth_detail"] = growth
    print("Timing pages ...", flush=True)
    results["pages"] = measure_pages(data, client)
    results["query_counts_independent_of_data_size"] = "pinned by tests (tests/*query_count*)"
    print("Load test with gunicorn (2 workers) ...", flush=True)
    results["load"] = measure_load(data)

    rows, all_met = [], True
    for label, get, op, target, unit in TARGETS:
        value = get(results)
        met = value <= target if op == "<=" else value >= target
        all_met &= met
        rows.append({"target": label, "value": value, "goal": f"{op} {target} {unit}".strip(), "met": met})
    results["targets"] = rows
    results["all_targets_met"] = all_met
    results["seconds"] = round(time.monotonic() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    width = max(len(r["target"]) for r in rows)
    print(f"\n{'target':<{width}}  {'measured':>10}  {'goal':>12}  met")
    for row in rows:
        print(f"{row['target']:<{width}}  {row['value']:>10}  {row['goal']:>12}  {'yes' if row['met'] else 'NO'}")
    print("\nRender detail (ms):")
    for size, figures in results["render"].items():
        print(
            f"  {size:>2} exercises: median {figures['median_ms']}, p95 {figures['p95_ms']}, first "
            f"{figures['first_render_ms']}, naive {figures['naive_median_ms']}, {figures['pages']} pages, "
            f"{figures['bytes']} bytes, peak RSS {figures['peak_rss_mb']} MB"
        )
    print("Pages (ms, queries):")
    for name, figures in results["pages"].items():
        print(f"  {name}: median {figures['median_ms']}, p95 {figures['p95_ms']}, {figures['queries']} queries")
    print("Load:")
    for name, figures in results["load"].items():
        print(
            f"  {name}: {figures['requests_per_second']} req/s, p50 {figures['p50_ms']} ms, "
            f"p99 {figures['p99_ms']} ms, {figures['errors']} errors, {figures['requests']} requests"
        )
    print(f"\nWrote {RESULTS.relative_to(ROOT)} in {results['seconds']} s")


if __name__ == "__main__":
    main()
