"""Small, explicit test data shared by the feature tests.

Each fixture builds only what its name says; tests add the rest themselves.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from agreements.models import (
    Mou,
    MouParty,
    Party,
    Precision,
    Programme,
    Sector,
    Source,
    State,
)


def pytest_configure(config):
    # Fast tests: a cheap password hasher and no manifest for static files.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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


def _staff_in(django_user_model, username, group_name=None):
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
