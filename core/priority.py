"""Slow work at a lower CPU priority, so the requests of everyone else go first.

A handout render keeps a core busy for a second or more. On a small server (two cores, two
workers) a colleague's dose save that lands meanwhile would share the CPU with it and take
several times as long (bench/: "dose save during an issue"). Run in ``run_at_low_priority``,
the render yields the CPU to any normal-priority work and still has all of it when there is none.

On Linux the nice value belongs to a thread, not to the process, so only the short-lived thread
doing the work is lowered; the worker's own thread keeps its priority for the next request (a
process cannot raise its priority again once lowered). Elsewhere the work runs unchanged.
"""

import os
import sys
import threading

from django.db import connections
from django.utils import timezone, translation

LOW_PRIORITY_NICENESS = 10


def run_at_low_priority(fn, /, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a thread of lower CPU priority: its result, or its exception.

    The caller waits for it. The thread gets the caller's language and time zone (both are
    per thread in Django); ``fn`` must not use the database (connections are per thread too).
    """
    language, zone = translation.get_language(), timezone.get_current_timezone()
    outcome = {}

    def work():
        try:
            if sys.platform == "linux":
                os.nice(LOW_PRIORITY_NICENESS)
            with translation.override(language), timezone.override(zone):
                outcome["value"] = fn(*args, **kwargs)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's own, should ``fn`` have opened one

    thread = threading.Thread(target=work, name="low-priority-work")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
