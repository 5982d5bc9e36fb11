"""The map of India on the pages: drawn on the server, every state a link named by its
count, shaded with a legend, its caveats and its credit under it."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from agreements.models import Mou, MouParty, Party, State

ROOT = Path(__file__).resolve().parent.parent


def shape_links(html):
    """{aria-label: (href, number of paths)} of the map's linked shapes."""
    svg = html[html.index('<figure class="india-map') :]
    svg = svg[: svg.index("</svg>")]
    return {
        label: (href, body.count("<path"))
        for href, label, body in re.findall(
            r'<a href="([^"]+)" aria-label="([^"]+)">(.*?)</a>', svg
        )
    }


def test_the_readme_credits_the_map_and_its_licence():
    readme = (ROOT / "README.md").read_text()
    assert "@svg-maps/india" in readme and "CC BY 4.0" in readme


# --- The map on the pages ---------------------------------------------------------


@pytest.fixture
def registry_states(db):
    """The 36 states and union territories, as the fixture loads them."""
    call_command("loaddata", "states", verbosity=0)
    return {state.code: state for state in State.objects.all()}


@pytest.fixture
def in_gujarat_and_dh(registry_states, make_mou, amazon):
    gujarat, dh = registry_states["GJ"], registry_states["DH"]
    make_mou("One", parties=[amazon], states=[gujarat, dh])
    make_mou("Two", parties=[amazon], states=[gujarat])
    make_mou("Draft", parties=[amazon], states=[gujarat], published=False)


@pytest.mark.django_db
def test_every_state_on_the_map_is_a_link_named_with_its_count(client, in_gujarat_and_dh):
    html = client.get("/states/").content.decode()
    links = shape_links(html)
    assert len(links) == 35  # 36, less Ladakh, drawn within Jammu and Kashmir
    assert links["Gujarat: 2 MoUs"] == ("/states/gujarat/", 1)
    assert "<title>Gujarat: 2 MoUs</title>" in html
    assert links["Goa: no MoU"] == ("/states/goa/", 1)


@pytest.mark.django_db
def test_both_former_parts_of_the_merged_union_territory_link_to_it(client, in_gujarat_and_dh):
    links = shape_links(client.get("/states/").content.decode())
    label = "Dadra and Nagar Haveli and Daman and Diu: 1 MoU"
    assert links[label] == ("/states/dadra-and-nagar-haveli-and-daman-and-diu/", 2)


@pytest.mark.django_db
def test_jammu_and_kashmirs_shape_says_it_holds_ladakh_and_a_note_explains(
    client, in_gujarat_and_dh
):
    html = client.get("/").content.decode()
    label = next(label for label in shape_links(html) if label.startswith("Jammu and Kashmir"))
    assert "also holds Ladakh (no MoU)" in label
    note = html[html.index('<div class="map-notes">') :]
    assert '<a href="/states/ladakh/">Ladakh</a> (0 MoUs), a union territory since 2019' in note
    assert "one union territory since 2020" in note


@pytest.mark.django_db
def test_states_are_shaded_by_their_number_of_published_mous_with_a_legend(
    client, in_gujarat_and_dh
):
    html = client.get("/states/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    gujarat = svg[svg.index('aria-label="Gujarat') :]
    assert 'class="map-shape map-level-2"' in gujarat[: gujarat.index("</a>")]
    legend = html[html.index('<ul class="map-legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert [re.sub(r"<[^>]+>", "", item).strip() for item in legend.split("<li>")[1:]] == [
        "No MoU",
        "1",
        "2",
    ]


@pytest.mark.django_db
def test_the_map_credits_its_source_and_licence_under_it(client, in_gujarat_and_dh):
    html = client.get("/").content.decode()
    credit = html[html.index('class="map-credit"') :]
    assert "@svg-maps/india</a> 2.0.0 by Victor Cazanave" in credit
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0' in credit


@pytest.mark.django_db
def test_the_mou_page_highlights_its_states_on_a_small_map(client, in_gujarat_and_dh):
    mou = Mou.objects.get(title="One")
    html = client.get(mou.get_absolute_url()).content.decode()
    assert 'class="india-map india-map-small"' in html
    links = shape_links(html)
    assert set(links) == {"Gujarat", "Dadra and Nagar Haveli and Daman and Diu"}
    assert html.count("map-shape map-marked") == 3  # Gujarat's path and DH's two


@pytest.mark.django_db
def test_a_party_or_programme_page_shows_where_its_mous_are_only_when_it_has_any(
    client, in_gujarat_and_dh, amazon, global_selling
):
    html = client.get(amazon.get_absolute_url()).content.decode()
    assert 'class="india-map india-map-small"' in html
    assert "Gujarat: 2 MoUs" in shape_links(html)
    idle = Party.objects.create(name="Idle Traders", kind=Party.Kind.COMPANY)
    assert "india-map" not in client.get(idle.get_absolute_url()).content.decode()
    assert "india-map" not in client.get(global_selling.get_absolute_url()).content.decode()
    MouParty.objects.create(mou=Mou.objects.get(title="Two"), party=idle)
    assert "india-map" in client.get(idle.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/states/", "/states/gujarat/", "/parties/amazon-india/", "/parties/"]
)
def test_map_pages_carry_no_inline_style_or_script(client, in_gujarat_and_dh, url):
    """Ready for a Content-Security-Policy: every style lives in site.css."""
    html = client.get(url).content.decode()
    assert " style=" not in html
    assert "<script" not in html
