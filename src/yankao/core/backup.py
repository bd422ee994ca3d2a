"""Consistent backups and restores: SQLite's online backup API, or pg_dump / pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(RuntimeError):
    pass


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools.")
    return found


def backup(target: Path, alias: str = "default") -> Path:
    """Write a consistent copy of the database while it keeps serving requests."""
    connection = connections[alias]
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        args, env = _pg_env(settings_dict)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args]
        command.append(str(settings_dict["NAME"]))
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return target
    raise BackupError(f"backups are not supported on {connection.vendor}")


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        connection.close()
        args, env = _pg_env(settings_dict)
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            str(settings_dict["NAME"]),
            *args,
            str(source),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    raise BackupError(f"restores are not supported on {connection.vendor}")
