"""Load benchmark: the site as production runs it (gunicorn, 3 workers, DEBUG off, the
page cache in Redis) under 16 concurrent anonymous clients for 30 s per page.

Uses the pages benchmark's registry (``pages.py``: built once, 20,000 MoUs by default)
and a bounded load generator of its own (threads, one request at a time each, a fresh
connection per request as gunicorn's sync workers close them): nothing to install. A
logged-in editor's pages are never cached; ``tests/test_page_cache.py`` checks that.
Targets: at least 500 requests/s on home, list and detail, p99 under 200 ms, no errors.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--clients 16] [--mous 20000]
        [--database-url URL] [--cache-url redis://127.0.0.1:6379/15]
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchdb import BenchDatabase

ROOT = Path(__file__).resolve().parent.parent
TARGET_RPS = 500
TARGET_P99_MS = 200
PORT = 8765


def hammer(path, seconds, clients):
    """``clients`` threads GETting ``path`` for ``seconds``: (latencies in ms, errors)."""
    latencies, errors = [], []
    stop = time.perf_counter() + seconds

    def client():
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request("GET", path, headers={"Host": "localhost"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    errors.append(response.status)
            except OSError as error:
                errors.append(str(error))
            mine.append((time.perf_counter() - started) * 1000)
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def serve(database_url, cache_url):
    """gunicorn with 3 workers, production settings; returns the process once it answers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # One address makes every request: the rate limit is not what is measured here.
        "DJANGO_PUBLIC_RATE_LIMIT": "1000000/m",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = [sys.executable, "-m", "gunicorn", "mouregistry.wsgi", "--workers", "3"]
    process = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"], cwd=ROOT, env=env
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--mous", type=int, default=20_000)
    parser.add_argument("--database-url", help="as pages.py takes it")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)

    import pages

    database = BenchDatabase(args.database_url, pages.DATABASE_NAME)
    database.configure()
    pages.prepare_database(database, args.mous)
    from agreements.models import Mou

    detail = Mou.objects.published().order_by("pk").values_list("slug", flat=True).first()
    urls = {"home": "/", "list": "/mous/", "detail": f"/mous/{detail}/"}
    import redis

    redis.Redis.from_url(args.cache_url).flushdb()
    server = serve(database.url, args.cache_url)
    ok = True
    try:
        print(f"{database}; {args.clients} clients, {args.seconds} s per page, 3 workers")
        print(f"{'page':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
        for name, url in urls.items():
            latencies, errors = hammer(url, args.seconds, args.clients)
            rps = len(latencies) / args.seconds
            p50 = statistics.median(latencies)
            p99 = statistics.quantiles(latencies, n=100)[98]
            print(f"{name:<8} {rps:7.0f} {p50:7.1f} {p99:7.1f} {len(errors):6}")
            ok &= rps >= TARGET_RPS and p99 < TARGET_P99_MS and not errors
    finally:
        server.terminate()
        server.wait()
    print(
        f"targets ({TARGET_RPS} req/s, p99 < {TARGET_P99_MS} ms, no errors):",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
