"""Shared set-up for benchmark scripts: a throw-away database, migrated."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


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
