"""Shared set-up for benchmark scripts: a throw-away database, migrated."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def setup_django() -> Path:
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "src"))
    workdir = Path(tempfile.mkdtemp(prefix="yankao-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("YANKAO_VAR_DIR", str(workdir))
    os.environ.setdefault("YANKAO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return workdir


def timed(label: str, runs: int, work: Callable[[], Any], width: int = 58) -> Any:
    """Run `work` `runs` times; print the median and best wall time; return the last result."""
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    print(
        f"{label:<{width}} median {statistics.median(times) * 1000:8.0f} ms"
        f"   best {min(times) * 1000:8.0f} ms   ({runs} runs)"
    )
    return result
