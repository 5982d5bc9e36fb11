"""Small, explicit test data shared by the feature tests.

Each fixture builds only what its name says; tests add the rest themselves.
"""

import datetime
import shutil
import tempfile
import time
from importlib import import_module
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection

from agreements import search
from agreements.models import (
    Attendee,
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
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
    refresh_derived,
)


def pytest_configure(config):
    # Fast tests: a cheap password hasher and no manifest for static files.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The admin import's previews wait in a directory of the run's own, removed at the
    # end, not in the one a server on this machine uses.
    settings.IMPORT_PREVIEW_DIR = tempfile.mkdtemp(prefix="mouregistry-test-previews-")
    # Likewise the whole dataset's files (tests/test_dataset.py gives each test its own).
    settings.DATASET_DIR = tempfile.mkdtemp(prefix="mouregistry-test-dataset-")


def pytest_unconfigure(config):
    shutil.rmtree(settings.IMPORT_PREVIEW_DIR, ignore_errors=True)
    shutil.rmtree(settings.DATASET_DIR, ignore_errors=True)


# The moment at which the rate limiter's clock stands in every test (``limiter_clock``).
LIMITER_NOW = int(time.time())


@pytest.fixture(autouse=True)
def limiter_clock(monkeypatch):
    """django-ratelimit counts requests in windows of its clock: on a slow machine a
    window ended between two requests of one test, and the count began again (a limit
    of 3 a minute let a fifth search through). In tests its clock stands still."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: LIMITER_NOW))


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, as a fresh server would, and with no search
    documents left to rewrite by an earlier test (its transaction was rolled back)."""
    cache.clear()
    search.forget_stale()


@pytest.fixture
def gujarat(db):
    return State.objects.create(name="Gujarat", code="GJ", kind=State.Kind.STATE)


@pytest.fixture
def assam(db):
    return State.objects.create(name="Assam", code="AS", kind=State.Kind.STATE)


@pytest.fixture
def amazon(db):
    return Party.objects.create(name="Amazon India", short_name="Amazon", kind=Party.Kind.COMPANY)


@pytest.fixture
def flipkart(db):
    return Party.objects.create(name="Flipkart", kind=Party.Kind.COMPANY)


@pytest.fixture
def gujarat_industries(gujarat):
    return Party.objects.create(
        name="Industries and Mines Department, Government of Gujarat",
        kind=Party.Kind.DEPARTMENT,
        state=gujarat,
    )


@pytest.fixture
def handloom(db):
    return Sector.objects.create(name="Handloom")


@pytest.fixture
def global_selling(amazon):
    return Programme.objects.create(name="Amazon Global Selling", owner=amazon)


@pytest.fixture
def article(db):
    return Source.objects.create(
        title="Amazon signs MoU with Gujarat",
        publisher="Example News",
        url="https://news.example.com/amazon-gujarat",
        published_on=datetime.date(2021, 9, 7),
    )


@pytest.fixture
def make_mou(article):
    """Build a published MoU between two parties in one state; keyword arguments override."""

    def make(title="Amazon and Gujarat MoU", *, parties, states, published=True, **fields):
        fields.setdefault("signed_on", datetime.date(2021, 9, 1))
        fields.setdefault("signed_on_precision", Precision.MONTH)
        if fields["signed_on"] is None:
            fields["signed_on_precision"] = Precision.UNKNOWN
        mou = Mou.objects.create(title=title, published=published, **fields)
        for order, party in enumerate(parties):
            MouParty.objects.create(mou=mou, party=party, order=order)
        mou.states.set(states)
        mou.sources.add(article)
        return mou

    return make


@pytest.fixture
def gujarat_mou(make_mou, amazon, gujarat_industries, gujarat, global_selling):
    mou = make_mou(parties=[amazon, gujarat_industries], states=[gujarat])
    mou.programmes.add(global_selling)
    return mou


def ensure_staff_groups():
    """Editors and Viewers with their permissions, as the migrations make them: a
    transactional test (the browser tests) empties every table after it, groups too."""
    if Group.objects.filter(name="Editors").exists():
        return
    from django.apps import apps

    for module, function in [
        ("0002_editor_and_viewer_groups", "create_groups"),
        ("0008_group_permissions_for_follow_ups", "grant"),
        ("0014_group_permissions_for_search_terms", "grant"),
        ("0015_editors_see_failed_logins", "grant"),
        ("0023_reader_corrections", "grant"),
    ]:
        getattr(import_module(f"agreements.migrations.{module}"), function)(apps, None)


@pytest.fixture
def postgres_url():
    """``url(name)``: the address other programs (another Django process, pg_dump) reach
    the PostgreSQL test server's database ``name`` at, by default the test database."""

    def url(name=None):
        db = connection.settings_dict
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name or db['NAME']}"
        )

    return url


@pytest.fixture
def make_staff_groups(db):
    """Make the Editors and Viewers groups again, for a test that empties the database."""
    return ensure_staff_groups


def _staff_in(django_user_model, username, group_name=None):
    ensure_staff_groups()
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return _staff_in(django_user_model, "editor", "Editors")


@pytest.fixture
def viewer(django_user_model):
    return _staff_in(django_user_model, "viewer", "Viewers")


@pytest.fixture
def outsider(django_user_model):
    """A staff user in neither group."""
    return _staff_in(django_user_model, "outsider")


# --- Public browsing (tests/test_public_*.py) -------------------------------------


@pytest.fixture
def rich_mou(gujarat_mou, amazon, gujarat_industries, handloom, gujarat, article):
    """The Gujarat MoU with one of everything the detail page shows, some from a second
    article, so each fact's source number can be checked."""
    follow_up = Source.objects.create(
        title="A year on, Gujarat artisans sell abroad",
        publisher="Follow-up Times",
        url="https://followup.example.com/gujarat",
        published_on=datetime.date(2022, 10, 1),
    )
    gujarat_mou.summary = "Amazon will onboard Gujarat's artisans to Global Selling."
    gujarat_mou.save()
    gujarat_mou.sectors.add(handloom)
    patola = Cluster.objects.create(
        place="Patan", product="Patola sarees", state=gujarat, sector=handloom, gi_tag=True
    )
    gujarat_mou.clusters.add(patola)
    gujarat_mou.beneficiaries.add(Beneficiary.objects.create(name="Weavers"))
    Commitment.objects.create(
        mou=gujarat_mou,
        party=amazon,
        kind=Commitment.Kind.ONBOARDING,
        description="Onboard MSME exporters to Global Selling",
        target_value=750000,
        target_unit="sellers",
        period="three years",
        status=Commitment.Status.IN_PROGRESS,
        status_source=follow_up,
        source=article,
    )
    ReportedFigure.objects.create(
        mou=gujarat_mou,
        party=amazon,
        description="exporters onboarded",
        qualifier=ReportedFigure.Qualifier.OVER,
        value=750000,
        unit="exporters",
        value_as_written="7.50 lakh",
        source=follow_up,
    )
    Reaction.objects.create(
        mou=gujarat_mou,
        party=gujarat_industries,
        speaker="A. Official",
        stance=Reaction.Stance.SUPPORT,
        summary="Welcomed the MoU.",
        source=article,
    )
    Attendee.objects.create(
        mou=gujarat_mou, name="Chief Minister of Gujarat", party=gujarat_industries, source=article
    )
    commitment = gujarat_mou.commitments.get()
    for month, status in [(1, ""), (6, Commitment.Status.IN_PROGRESS), (9, "")]:
        FollowUp.objects.create(
            mou=gujarat_mou,
            commitment=commitment if status else None,
            commitment_status=status,
            progress_value=120 if status else None,
            dated_on=datetime.date(2022, month, 1),
            summary=f"News of month {month}",
            source=follow_up,
        )
    NewsCheck.objects.create(mou=gujarat_mou, checked_on=datetime.date(2023, 1, 5), note="Search")
    return gujarat_mou


@pytest.fixture
def many_mous(db):
    """240 published MoUs (and 10 drafts) spread over 12 states, 8 parties, 3 programmes,
    3 sectors and clusters, each with a commitment, most with follow-ups, some with checks
    for news: enough rows that a page whose query count grew with the data would show it.
    Built with bulk_create, in a few queries, then derived and indexed for search."""
    states = State.objects.bulk_create(
        State(name=f"State {n:02d}", code=f"S{chr(65 + n)}", slug=f"state-{n:02d}", kind="state")
        for n in range(12)
    )
    parties = Party.objects.bulk_create(
        Party(name=f"Party {n}", slug=f"party-{n}", kind=kind)
        for n, kind in enumerate([Party.Kind.COMPANY] * 4 + [Party.Kind.DEPARTMENT] * 4)
    )
    programmes = Programme.objects.bulk_create(
        Programme(name=f"Programme {n}", slug=f"programme-{n}", owner=parties[n]) for n in range(3)
    )
    sectors = Sector.objects.bulk_create(
        Sector(name=f"Sector {n}", slug=f"sector-{n}") for n in range(3)
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(place=f"Place {n}", product="Goods", slug=f"place-{n}", state=states[n])
        for n in range(12)
    )
    source = Source.objects.create(title="Bulk source", url="https://example.com/bulk")
    mous = Mou.objects.bulk_create(
        Mou(
            title=f"Bulk MoU {n:03d}",
            slug=f"bulk-mou-{n:03d}",
            summary="A bulk-made MoU",
            signed_on=datetime.date(2015 + n % 10, 1 + n % 12, 1),
            signed_on_precision=Precision.MONTH,
            published=n < 240,
        )
        for n in range(250)
    )
    through = Mou.states.through
    through.objects.bulk_create(
        through(mou=mou, state=states[n % 12]) for n, mou in enumerate(mous)
    )
    MouParty.objects.bulk_create(
        link
        for n, mou in enumerate(mous)
        for link in (
            MouParty(mou=mou, party=parties[n % 4], role=MouParty.Role.MARKETPLACE, order=0),
            MouParty(mou=mou, party=parties[4 + n % 4], role=MouParty.Role.GOVERNMENT, order=1),
        )
    )
    for relation, items in (
        (Mou.programmes, programmes),
        (Mou.sectors, sectors),
        (Mou.clusters, clusters),
    ):
        model = relation.through
        target = relation.field.m2m_reverse_field_name()
        model.objects.bulk_create(
            model(mou=mou, **{target: items[n % len(items)]}) for n, mou in enumerate(mous)
        )
    Mou.sources.through.objects.bulk_create(
        Mou.sources.through(mou=mou, source=source) for mou in mous
    )
    commitments = Commitment.objects.bulk_create(
        Commitment(
            mou=mou,
            party=parties[n % 4],
            description=f"Train {n} sellers",
            target_value=300,
            target_unit="sellers",
            source=source,
        )
        for n, mou in enumerate(mous)
    )
    # News after every signing: a commitment's progress for two MoUs in three, the MoU
    # in force for one in three, and a check that found nothing for one in five.
    FollowUp.objects.bulk_create(
        [
            *(
                FollowUp(
                    mou_id=c.mou_id,
                    commitment=c,
                    dated_on=datetime.date(2025, 1 + n % 12, 1),
                    summary=f"{n} sellers trained",
                    commitment_status=Commitment.Status.IN_PROGRESS,
                    progress_value=n,
                    source=source,
                )
                for n, c in enumerate(commitments)
                if n % 3
            ),
            *(
                FollowUp(
                    mou=mou,
                    dated_on=datetime.date(2025, 6, 1),
                    summary="In force",
                    mou_status=Mou.Status.ACTIVE,
                    source=source,
                )
                for mou in mous[::3]
            ),
        ]
    )
    NewsCheck.objects.bulk_create(
        NewsCheck(mou=mou, checked_on=datetime.date(2026, 1, 5), note="Search") for mou in mous[::5]
    )
    refresh_derived(Mou.objects.all(), reindex=False)
    search.index(Mou.objects.all())  # as an import does after its bulk writes
    return mous


@pytest.fixture
def founding_articles(db):
    """The registry as ``make run`` starts it: the states, the vocabulary and the five
    founding articles' records, each MoU at version 1."""
    from agreements.management.commands.bootstrap import load_founding_records

    load_founding_records()
