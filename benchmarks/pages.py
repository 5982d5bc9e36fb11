"""Benchmark of the public pages on a large synthetic registry.

Builds (once) a registry of 20,000 published MoUs, some drafts, a few hundred parties,
all 36 states, programmes, clusters, sectors, commitments, sources, three follow-ups and
five versions per MoU and checks for news on some, in its own database (never
db.sqlite3), then times each public page through ``django.test.Client`` and counts its
queries. Targets: median under 100 ms, 95th percentile under 250 ms, with what a page
caches under the data version (aggregates, counts, facets) cached, as every reader after
the first since the last change finds it; the last column gives the slowest first view,
with the cache empty, as the first reader after a change finds it.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/pages.py [--mous 20000] [--requests 50]
        [--database-url URL] [--rebuild] [--only TEXT]

The database is an SQLite file, /tmp/mouregistry-bench.sqlite3 unless ``--database-url
sqlite:///PATH`` names another, or, with ``--database-url
postgres://postgres@127.0.0.1:5432``, a database ``mouregistry_bench`` that the script
creates (and drops first) on that server; see ``benchdb.py``. A rerun reuses the
database when it already holds the requested registry; ``--rebuild`` forces a fresh one.
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import sys
import time

from benchdb import BenchDatabase

DATABASE_NAME = "mouregistry_bench"
FOLLOW_UPS_PER_MOU = 3
# Versions of each published MoU: published, then four changes of its occasion.
VERSIONS_PER_MOU = 5

TARGET_MEDIAN_MS = 100
TARGET_P95_MS = 250

COMPANIES = [
    ("Amazon India", "Amazon"),
    ("Flipkart", ""),
    ("Meesho", ""),
    ("Snapdeal", ""),
    ("JioMart", ""),
    ("Paytm Mall", ""),
    ("ShopClues", ""),
    ("IndiaMART", ""),
    ("Udaan", ""),
    ("Myntra", ""),
    ("Tata CLiQ", ""),
    ("Nykaa", ""),
    ("BigBasket", ""),
    ("Craftsvilla", ""),
    ("Pepperfry", ""),
    ("Ajio", ""),
]
# Per state: (name pattern, short-name pattern, kind), e.g. "Khadi and Village Industries
# Board, Assam". 8 bodies x 36 states + 16 companies = 304 parties.
GOVERNMENT_BODIES = [
    ("Government of {state}", "", "state_government"),
    ("Department of Industries, {state}", "", "department"),
    ("{state} Handloom and Handicrafts Corporation", "{code}HHC", "state_corporation"),
    ("{state} Khadi and Village Industries Board", "{code}KVIB", "statutory_board"),
    ("{state} MSME Promotion Bureau", "", "department"),
    ("{state} Weavers' Cooperative Federation", "", "cooperative"),
    ("{state} State Rural Livelihood Mission", "{code}SRLM", "department"),
    ("{state} Export Promotion Council", "", "department"),
]
PROGRAMMES = [
    ("Amazon Karigar", 0),
    ("Amazon Saheli", 0),
    ("Amazon Global Selling", 0),
    ("Kala Haat", 0),
    ("Flipkart Samarth", 1),
    ("Flipkart Wholesale", 1),
    ("Meesho Pragati", 2),
    ("Snapdeal Unnati", 3),
    ("JioMart Local", 4),
    ("One District One Product", None),
    ("Digital Saksham", None),
    ("Vocal for Local", None),
]
PLACES = [
    ("Moradabad", "Brassware", "metalware"),
    ("Bhadohi", "Carpets", "carpets"),
    ("Varanasi", "Banarasi silk saris", "silk"),
    ("Aligarh", "Locks", "locks-and-hardware"),
    ("Lucknow", "Chikankari", "handicrafts"),
    ("Kanpur", "Leather-based items", "leather-and-footwear"),
    ("Meerut", "Sports goods", "sports-goods"),
    ("Saharanpur", "Wood products", "wood-products"),
    ("Pochampally", "Ikat", "handloom"),
    ("Kanchipuram", "Silk saris", "silk"),
    ("Channapatna", "Wooden toys", "wood-products"),
    ("Jaipur", "Gems", "gems-and-jewellery"),
    ("Sualkuchi", "Muga silk", "silk"),
    ("Panipat", "Home textiles", "textiles-and-apparel"),
    ("Kullu", "Shawls", "handloom"),
    ("Srinagar", "Pashmina", "handloom"),
    ("Shimla", "Apples", "horticulture"),
    ("Tiruppur", "Knitwear", "textiles-and-apparel"),
]
COMMITMENTS = [
    ("training", "Train {n} artisans and weavers in selling online"),
    ("onboarding", "Onboard {n} MSME sellers to the marketplace"),
    ("cataloguing", "Photograph and catalogue the products of {n} craftspeople"),
    ("marketing", "Promote {place} products in a dedicated storefront"),
    ("account_management", "Give {n} sellers a dedicated account manager"),
    ("logistics", "Pick up orders from {place} at subsidised rates"),
    ("fee_waiver", "Waive the selling commission for the first six months"),
    ("supply", "Link {n} producers to buyers across India"),
]
PUBLISHERS = ["The Hindu", "Business Standard", "Moneycontrol", "The Economic Times", "Mint"]
# What follow-ups report: about the MoU as a whole (the status it reports, "" for none)...
MOU_NEWS = [
    ("active", "The MoU came into force; the first sellers from {place} are live."),
    ("active", "Both sides renewed the MoU for another three years."),
    ("dormant", "No activity under the MoU reported since its signing."),
    ("expired", "The MoU expired at the end of its term."),
    ("terminated", "The state ended the MoU early."),
    ("", "A review meeting on the MoU was held in {place}."),
    ("", "Artisans from {place} criticised the slow start of the programme."),
]
# ... or about one commitment (the status it reports, and whether it gives progress).
COMMITMENT_NEWS = [
    ("in_progress", True, "Workshops held in {place}; sellers onboarded so far."),
    ("in_progress", True, "The marketplace reported progress towards the target."),
    ("fulfilled", True, "The target was reported met."),
    ("lapsed", False, "The waiver ended without being extended."),
    ("", False, "The storefront was launched at a state event."),
    ("", True, "A newspaper counted the sellers onboarded so far."),
]


def generate(mous=20_000, drafts_per_cent=3, seed=42):
    """Fill the (migrated, empty) database with ``mous`` published MoUs and some drafts,
    three follow-ups for each, a check for news for some, and five versions of each
    published one (``record_versions`` after each of four edits).

    Everything goes in with ``bulk_create`` (the through tables too), in one transaction;
    then one ``refresh_derived()`` computes the current statuses, last news and due dates,
    and ``record_versions()`` writes the versions.
    """
    from django.core.management import call_command
    from django.db import transaction

    from agreements.models import (
        Beneficiary,
        Cluster,
        Commitment,
        FollowUp,
        Mou,
        MouParty,
        NewsCheck,
        Party,
        Precision,
        Programme,
        Sector,
        Source,
        State,
        record_versions,
        refresh_statistics,
    )
    from agreements.models.followups import period_end, refresh_derived

    rng = random.Random(seed)
    timings = {}
    phase_started = time.perf_counter()
    call_command("loaddata", "states", "vocabulary", verbosity=0)
    states = list(State.objects.order_by("pk"))
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    beneficiaries = list(Beneficiary.objects.all())

    with transaction.atomic():
        companies = Party.objects.bulk_create(
            Party(name=name, short_name=short, slug=slugify_simple(name), kind="company")
            for name, short in COMPANIES
        )
        bodies = Party.objects.bulk_create(
            Party(
                name=name.format(state=state.name),
                short_name=short.format(code=state.code),
                slug=slugify_simple(name.format(state=state.name)),
                kind=kind,
                state=state,
            )
            for state in states
            for name, short, kind in GOVERNMENT_BODIES
        )
        bodies_by_state = {
            state.pk: bodies[i * len(GOVERNMENT_BODIES) : (i + 1) * len(GOVERNMENT_BODIES)]
            for i, state in enumerate(states)
        }
        programmes = Programme.objects.bulk_create(
            Programme(
                name=name,
                slug=slugify_simple(name),
                owner=companies[owner] if owner is not None else None,
            )
            for name, owner in PROGRAMMES
        )
        clusters = Cluster.objects.bulk_create(
            Cluster(
                place=place,
                product=product,
                state=state,
                sector=sectors[sector],
                slug=slugify_simple(f"{place} {product} {state.code}"),
            )
            for state in states
            for place, product, sector in rng.sample(PLACES, 6)
        )
        clusters_by_state = {}
        for cluster in clusters:
            clusters_by_state.setdefault(cluster.state_id, []).append(cluster)
        sources = Source.objects.bulk_create(
            Source(
                title=f"E-commerce MoU report no. {n}",
                publisher=rng.choice(PUBLISHERS),
                url=f"https://news.example.com/{n}" if n % 10 else "",
                published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 3650),
            )
            for n in range(mous // 2)
        )

        total = mous + mous * drafts_per_cent // 100
        plans = []
        for n in range(total):
            state = rng.choice(states)
            extra_state = rng.choice(states) if rng.random() < 0.1 else None
            company = rng.choices(companies, weights=[30, 30, 10, 6] + [2] * 12)[0]
            body = rng.choice(bodies_by_state[state.pk])
            government = bodies_by_state[state.pk][0]
            parties = [company, body]
            if body is not government and rng.random() < 0.3:
                parties.append(government)
            cluster_pool = clusters_by_state[state.pk]
            chosen_clusters = rng.sample(cluster_pool, rng.randint(0, 2))
            sector_set = {c.sector for c in chosen_clusters} or {rng.choice(list(sectors.values()))}
            plans.append(
                {
                    "state": state,
                    "states": [state] + ([extra_state] if extra_state not in (None, state) else []),
                    "parties": parties,
                    "programmes": [rng.choice(programmes)] if rng.random() < 0.6 else [],
                    "sectors": sorted(sector_set, key=lambda s: s.pk),
                    "clusters": chosen_clusters,
                    "sources": rng.sample(sources, rng.randint(1, 2)),
                    "beneficiaries": rng.sample(beneficiaries, rng.randint(0, 2)),
                    "published": n < mous,
                }
            )

        first_published = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
        mou_rows = []
        for n, plan in enumerate(plans):
            company, body = plan["parties"][:2]
            place = plan["clusters"][0].place if plan["clusters"] else plan["state"].name
            precision = rng.choices(
                [Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.UNKNOWN],
                weights=[60, 25, 10, 5],
            )[0]
            signed_on = None
            if precision != Precision.UNKNOWN:
                signed_on = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3900))
                if precision != Precision.DAY:
                    signed_on = signed_on.replace(day=1)
                if precision == Precision.YEAR:
                    signed_on = signed_on.replace(month=1)
            title = f"{company.name} MoU with {body.name} ({place}) no. {n}"
            mou_rows.append(
                Mou(
                    reference=f"BENCH-{n:06d}",
                    title=title,
                    slug=f"{slugify_simple(title)[:60].strip('-')}-{n}",
                    status=rng.choice(["signed", "signed", "reported", "announced", "signed"]),
                    signed_on=signed_on,
                    signed_on_precision=precision,
                    place=place,
                    summary=f"{company.name} will help sellers from {place} in "
                    f"{plan['state'].name} sell online, with {body.name}.",
                    objectives="Bring local producers to e-commerce; train them; promote them.",
                    published=plan["published"],
                    # bulk_create skips save(), which stamps first publication
                    published_at=first_published + datetime.timedelta(minutes=7 * n)
                    if plan["published"]
                    else None,
                )
            )
        mou_rows = Mou.objects.bulk_create(mou_rows, batch_size=2000)

        def link(relation, field, attr):
            through = relation.through
            through.objects.bulk_create(
                (
                    through(mou_id=mou.pk, **{f"{field}_id": item.pk})
                    for mou, plan in zip(mou_rows, plans, strict=True)
                    for item in plan[attr]
                ),
                batch_size=5000,
            )

        link(Mou.states, "state", "states")
        link(Mou.programmes, "programme", "programmes")
        link(Mou.sectors, "sector", "sectors")
        link(Mou.clusters, "cluster", "clusters")
        link(Mou.sources, "source", "sources")
        link(Mou.beneficiaries, "beneficiary", "beneficiaries")
        MouParty.objects.bulk_create(
            (
                MouParty(
                    mou_id=mou.pk,
                    party_id=party.pk,
                    order=order,
                    role="marketplace" if party.kind == "company" else "government",
                    signatory=f"Signatory {order + 1}",
                )
                for mou, plan in zip(mou_rows, plans, strict=True)
                for order, party in enumerate(plan["parties"])
            ),
            batch_size=5000,
        )
        commitments_by_mou = []
        for mou, plan in zip(mou_rows, plans, strict=True):
            promises = []
            for kind, text in rng.sample(COMMITMENTS, rng.randint(2, 4)):
                number = rng.choice([500, 1000, 2500, 10000])
                # A quarter give a period, so they fall due (and, unfulfilled, are overdue).
                months = rng.choice([6, 12, 24, 36]) if rng.random() < 0.25 else None
                commitment = Commitment(
                    mou=mou,
                    party=rng.choice(plan["parties"]),
                    kind=kind,
                    description=text.format(n=number, place=mou.place),
                    target_value=number if "{n}" in text else None,
                    target_unit="sellers" if "{n}" in text else "",
                    period=f"{months} months" if months else "",
                    period_months=months,
                    source=plan["sources"][0],
                )
                # Stored from the start, by the app's own rule: refresh_derived() then
                # finds every due date right and writes none. Left to it, on PostgreSQL
                # its single bulk_update() of ~15,000 dates (one CASE per row) takes
                # over two minutes; on SQLite Django splits it into small batches.
                commitment.due_on = commitment.computed_due_on()
                promises.append(commitment)
            commitments_by_mou.append(promises)
        Commitment.objects.bulk_create(
            (c for promises in commitments_by_mou for c in promises), batch_size=5000
        )
        timings["MoUs and commitments"] = time.perf_counter() - phase_started
        phase_started = time.perf_counter()

        today = datetime.date.today()
        follow_ups, checks = [], []
        for mou, promises in zip(mou_rows, commitments_by_mou, strict=True):
            # Follow-ups come after the last day the MoU's date can mean.
            after = (
                period_end(mou.signed_on, mou.signed_on_precision)
                if mou.signed_on
                else datetime.date(2016, 1, 1)
            )
            days = sorted(
                min(after + datetime.timedelta(days=rng.randint(20, 1800)), today)
                for _ in range(FOLLOW_UPS_PER_MOU)
            )
            for day in days:
                precision = Precision.DAY if rng.random() < 0.8 else Precision.MONTH
                dated_on = day if precision == Precision.DAY else day.replace(day=1)
                common = {
                    "mou_id": mou.pk,
                    "dated_on": dated_on,
                    "dated_on_precision": precision,
                    "source": rng.choice(sources),
                    "quote": "“We are seeing steady orders,” an official said."
                    if rng.random() < 0.3
                    else "",
                }
                if rng.random() < 0.35:
                    status, text = rng.choice(MOU_NEWS)
                    follow_ups.append(
                        FollowUp(summary=text.format(place=mou.place), mou_status=status, **common)
                    )
                    continue
                commitment = rng.choice(promises)
                status, with_progress, text = rng.choice(COMMITMENT_NEWS)
                progress = None
                if with_progress and commitment.target_value is not None:
                    share = 1 if status == "fulfilled" else rng.uniform(0.05, 0.9)
                    progress = round(commitment.target_value * share)
                follow_ups.append(
                    FollowUp(
                        commitment_id=commitment.pk,
                        summary=text.format(place=mou.place),
                        commitment_status=status,
                        progress_value=progress,
                        **common,
                    )
                )
            if rng.random() < 0.3:
                checks.append(
                    NewsCheck(
                        mou_id=mou.pk,
                        checked_on=min(
                            days[-1] + datetime.timedelta(days=rng.randint(1, 400)), today
                        ),
                        note="News search and the state's press releases.",
                    )
                )
        FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
        NewsCheck.objects.bulk_create(checks, batch_size=5000)
        timings["follow-ups and checks"] = time.perf_counter() - phase_started
        phase_started = time.perf_counter()
        refresh_statistics(Mou, FollowUp, NewsCheck, Commitment)
        refresh_derived(Mou.objects.all())
        timings["refresh_derived()"] = time.perf_counter() - phase_started
        phase_started = time.perf_counter()
        published = Mou.objects.published()
        for n in range(VERSIONS_PER_MOU):
            if n:
                published.update(occasion=f"Benchmark edit {n}")
            record_versions(published, "First published" if n == 0 else f"Edit {n}")
        timings["versions"] = time.perf_counter() - phase_started
    return timings


def slugify_simple(text):
    from django.utils.text import slugify

    return slugify(text)[:80].strip("-")


def reusable(mous):
    """Whether the database already holds ``mous`` published MoUs in today's schema, with
    their follow-ups. Migrations added since it was built are applied (a new column costs
    seconds; a rebuild at 200,000 MoUs costs most of an hour); then every model's
    columns must be readable."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import DatabaseError

    from agreements.models import FollowUp, Mou, MouVersion

    try:
        call_command("migrate", verbosity=0)
        for model in apps.get_app_config("agreements").get_models():
            model.objects.values(*(f.attname for f in model._meta.concrete_fields)).first()
        return (
            Mou.objects.published().count() == mous
            and FollowUp.objects.count() == FOLLOW_UPS_PER_MOU * Mou.objects.count()
            and MouVersion.objects.count() == VERSIONS_PER_MOU * mous
        )
    except DatabaseError:  # an old or half-built database
        return False


def prepare_database(database, mous, rebuild=False):
    """Reuse the database if it holds ``mous`` published MoUs, else build it afresh."""
    from django.db import connection

    if not rebuild and database.exists() and reusable(mous):
        print(f"Reusing {database} ({mous:,} published MoUs).")
        return
    started = time.perf_counter()
    database.create()
    timings = {"migrate": time.perf_counter() - started}
    timings.update(generate(mous))
    analyzing = time.perf_counter()
    database.analyze()
    timings["analyze"] = time.perf_counter() - analyzing
    elapsed = time.perf_counter() - started
    print(f"Built {database} with {mous:,} published MoUs in {elapsed:.1f} s.")
    print("  " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
    # Drop the build's hundreds of thousands of objects before timing anything.
    connection.close()
    gc.collect()


def pages():
    """The pages to time: name -> list of URLs, requested in turn."""
    from agreements.models import Mou

    slugs = list(Mou.objects.published().order_by("?").values_list("slug", flat=True)[:20])
    return {
        "home": ["/"],
        "list": ["/mous/"],
        "list filtered (state+sector)": [
            "/mous/?state=uttar-pradesh&sector=handloom",
            "/mous/?state=assam&sector=silk",
            "/mous/?state=gujarat&sector=handicrafts",
        ],
        "list searched (q=)": ["/mous/?q=moradabad", "/mous/?q=carpets", "/mous/?q=flipkart"],
        "list searched, nothing found": ["/mous/?q=zzqqxx", "/mous/?q=flipcart+goa"],
        "list in Hindi": ["/hi/mous/"],
        "list page 400": ["/mous/?page=400"],
        "MoU detail": [f"/mous/{slug}/" for slug in slugs],
        "state detail": ["/states/uttar-pradesh/", "/states/assam/", "/states/goa/"],
        "party detail (company)": ["/parties/amazon-india/", "/parties/flipkart/"],
        "party detail (body)": ["/parties/government-of-assam/"],
        "programme detail": ["/programmes/one-district-one-product/", "/programmes/kala-haat/"],
        "states list": ["/states/"],
        "CSV filtered": ["/mous/export.csv?state=uttar-pradesh&sector=handloom"],
        "JSON, every MoU (first part)": ["/mous/export.json"],
        "Atom feed": ["/mous/feed.atom"],
        "commitments": ["/commitments/"],
        "commitments overdue (state)": [
            "/commitments/?status=overdue&state=uttar-pradesh",
            "/commitments/?status=overdue&state=assam",
        ],
        "commitments never followed up": ["/commitments/?followed_up=no"],
        "commitments CSV filtered": [
            "/commitments/export.csv?state=uttar-pradesh&status=in_progress"
        ],
        "commitments feed": ["/commitments/feed.atom"],
        "MoU history": [f"/mous/{slug}/history/" for slug in slugs[:5]],
        "MoU version 3": [f"/mous/{slug}/v/3/" for slug in slugs[:5]],
        "recent changes": ["/changes/", "/changes/?page=50"],
        "changes feed": ["/changes/feed.atom"],
    }


def fetch(client, url):
    """GET ``url`` and read the whole body: streamed downloads do their work while read."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(client, urls, requests):
    """Median and 95th-percentile wall time (ms) of ``requests`` GETs cycling over ``urls``,
    the largest query count of any of them, as timed (a second request, so the parts
    cached under the data version are cached) and on the first request (cold), and the
    slowest first request (ms): what the first reader after a change waits."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    cold = queries = 0
    first_ms = 0.0
    for url in urls:
        with CaptureQueriesContext(connection) as first:
            started = time.perf_counter()
            fetch(client, url)
            first_ms = max(first_ms, (time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as second:
            fetch(client, url)
        cold, queries = max(cold, len(first)), max(queries, len(second))
    times = []
    for n in range(requests):
        started = time.perf_counter()
        fetch(client, urls[n % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else median
    return median, p95, queries, cold, first_ms


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mous", type=int, default=20_000, help="published MoUs (default 20,000)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument(
        "--database-url",
        help="sqlite:///PATH (default: /tmp/mouregistry-bench.sqlite3) or a PostgreSQL server, "
        f"postgres://USER@HOST:PORT, where the script creates its own {DATABASE_NAME} database",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--only", help="time only the pages whose name contains this text")
    args = parser.parse_args(argv)

    database = BenchDatabase(args.database_url, DATABASE_NAME)
    database.configure()
    prepare_database(database, args.mous, rebuild=args.rebuild)

    from django.conf import settings
    from django.test import Client

    # What is timed is the work of a page, so neither the page cache (which would answer
    # every request after the first; benchmarks/load.py measures it) nor the rate limit
    # (the client makes every request from one address).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    settings.PUBLIC_RATE_LIMIT = "1000000/m"
    client = Client()
    targets = pages()
    width = max(len(name) for name in targets)
    # Other work on the machine slows every page: say how busy it was.
    print(
        f"\n{args.requests} requests per page, {args.mous:,} published MoUs, "
        f"{database.label()}, {datetime.date.today():%-d %B %Y}; "
        f"load average {os.getloadavg()[0]:.1f} at the start\n"
    )
    print(
        f"{'page':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  target  "
        f"{'first view ms':>13}"
    )
    missed, notes = [], []
    for name, urls in targets.items():
        if args.only and args.only.lower() not in name.lower():
            continue
        median, p95, queries, cold, first_ms = measure(client, urls, args.requests)
        if cold != queries:
            notes.append(f"{name}: {cold} queries on its first (uncached) request.")
        ok = median < TARGET_MEDIAN_MS and p95 < TARGET_P95_MS
        if not ok:
            missed.append(name)
        print(
            f"{name:<{width}}  {median:>9.1f}  {p95:>7.1f}  {queries:>7}  "
            f"{'ok' if ok else 'MISSED':<6}  {first_ms:>13.1f}"
        )
    for note in notes:
        print(note)
    print(f"Load average {os.getloadavg()[0]:.1f} at the end.")
    print(
        f"\nTargets: median < {TARGET_MEDIAN_MS} ms, p95 < {TARGET_P95_MS} ms. "
        + (f"Missed: {', '.join(missed)}." if missed else "All pages meet them.")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
