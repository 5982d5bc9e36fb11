"""The benchmarks' own database: an SQLite file under /tmp, or a database of their own on a
PostgreSQL server. Never the project's db.sqlite3, never another database on the server.

``--database-url`` names where: an ``sqlite:///PATH`` URL (the default is a file under
/tmp), or a PostgreSQL server, ``postgres://USER[:PASSWORD]@HOST:PORT[/DBNAME]``. On
PostgreSQL the URL only says which server and account: the benchmark creates its own
database (``mouregistry_bench`` for the pages, ``mouregistry_bench_imports`` for the
import), dropping it first when a rebuild is needed. DBNAME, if given, is only where it
connects to run CREATE and DROP DATABASE (``postgres`` by default); nothing is written
there.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DB = (ROOT / "db.sqlite3").resolve()
# Hosts whose PostgreSQL server runs on this machine, where /proc shows its processes.
LOCAL = {"localhost", "127.0.0.1", "::1"}


class BenchDatabase:
    def __init__(self, url, name):
        """``url`` as given on the command line; ``name`` the database the benchmark owns
        on PostgreSQL (and the file's stem under /tmp for the default SQLite URL)."""
        import dj_database_url

        url = url or f"sqlite:////tmp/{name.replace('_', '-')}.sqlite3"
        config = dj_database_url.parse(url)
        engine = config["ENGINE"]
        if engine.endswith("sqlite3"):
            self.vendor = "sqlite"
            self.path = Path(config["NAME"]).resolve()
            if self.path == PROJECT_DB:
                raise SystemExit("The benchmark must not touch db.sqlite3: give another file.")
            self.name = str(self.path)
            self.url = f"sqlite:///{self.path}"
        elif engine.endswith("postgresql"):
            self.vendor = "postgresql"
            self.name = name
            parts = urlsplit(url)
            given = parts.path.lstrip("/")
            self.url = parts._replace(path=f"/{name}").geturl()
            self.server = {
                key: value
                for key, value in {
                    "host": config.get("HOST"),
                    "port": config.get("PORT"),
                    "user": config.get("USER"),
                    "password": config.get("PASSWORD"),
                }.items()
                if value
            }
            self.maintenance_db = given if given and given != name else "postgres"
        else:
            raise SystemExit(f"Unsupported database: {engine} (use SQLite or PostgreSQL).")

    def __str__(self):
        if self.vendor == "sqlite":
            return f"SQLite at {self.path}"
        host = self.server.get("host", "localhost")
        return f"PostgreSQL database {self.name} on {host}:{self.server.get('port', 5432)}"

    def configure(self):
        """Point Django at this database and set it up, checking it took."""
        sys.path.insert(0, str(ROOT))
        os.environ["DATABASE_URL"] = self.url
        os.environ["DJANGO_DEBUG"] = "1"
        os.environ["DJANGO_SETTINGS_MODULE"] = "mouregistry.settings"
        import django

        django.setup()
        from django.conf import settings

        configured = settings.DATABASES["default"]["NAME"]
        if self.vendor == "sqlite":
            configured = str(Path(configured).resolve())
        assert configured == self.name, f"refusing to benchmark {configured}"
        # Measure what production runs: with DEBUG, Django also records every query.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    def _maintenance(self):
        import psycopg

        return psycopg.connect(dbname=self.maintenance_db, autocommit=True, **self.server)

    def exists(self):
        if self.vendor == "sqlite":
            return self.path.exists()
        with self._maintenance() as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return found.fetchone() is not None

    def drop(self):
        """Remove the benchmark's database (only it), closing Django's connection first."""
        from django.db import connections

        connections.close_all()
        if self.vendor == "sqlite":
            self.path.unlink(missing_ok=True)
            return
        from psycopg import sql

        with self._maintenance() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def create(self):
        """A fresh, empty, migrated database (dropping the old one)."""
        from django.core.management import call_command

        self.drop()
        if self.vendor == "postgresql":
            from psycopg import sql

            with self._maintenance() as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        call_command("migrate", verbosity=0)

    def analyze(self):
        """Refresh the planner's statistics, as a live database's autovacuum would (on
        PostgreSQL also clearing the dead rows a bulk UPDATE leaves)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if self.vendor == "postgresql" else "ANALYZE")

    def server_seconds(self):
        """CPU seconds used so far by the PostgreSQL server process behind Django's
        connection, read from /proc when the server runs on this machine; None on SQLite
        (whose work is this process's own) or when it cannot be read. Beside an import's
        wall time it says how much the server's own work took (foreign-key checks,
        indexes, search vectors), which no change on the Python side takes off."""
        if self.vendor != "postgresql" or self.server.get("host", "localhost") not in LOCAL:
            return None
        from django.db import connection

        connection.ensure_connection()
        stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def label(self):
        """E.g. "SQLite 3.40.1" or "PostgreSQL 15.20", from the connection."""
        from django.db import connection

        connection.ensure_connection()
        if self.vendor == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
