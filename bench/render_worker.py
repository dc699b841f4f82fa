"""Renders in a fresh process so first-render time and memory are measured cleanly.

render_worker.py first PROGRAM_ID        time from process start to the first PDF, peak RSS
render_worker.py growth PROGRAM_ID N     RSS after warm-up and after N renders
"""

import json
import resource
import sys
import time

START = time.perf_counter()

from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from settings_env import configure  # noqa: E402

configure()

import django  # noqa: E402

django.setup()


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1_048_576


def main():
    from bench_render import project_render

    from prescriptions.models import Program

    mode, program_pk = sys.argv[1], int(sys.argv[2])
    program = Program.objects.get(pk=program_pk)
    if mode == "first":
        project_render(program)
        elapsed = time.perf_counter() - START
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"ms": round(elapsed * 1000, 1), "peak_rss_mb": round(peak, 1)}))
    elif mode == "growth":
        renders = int(sys.argv[3])
        for _ in range(10):
            project_render(program)
        before = rss_mb()
        for _ in range(renders):
            project_render(program)
        after = rss_mb()
        print(
            json.dumps(
                {
                    "renders": renders,
                    "rss_after_warmup_mb": round(before, 1),
                    "rss_after_mb": round(after, 1),
                    "growth_mb": round(after - before, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
