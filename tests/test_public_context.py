"""What an MoU's page shows beside the MoU itself, each labelled for what it is: figures
its sources give about its parties, states and programmes (context, not the MoU's own),
its programmes' benefits, reported speech as the source's words, announced actions.
Checked on the founding articles' records, where the second look found each problem."""

import pytest

pytestmark = pytest.mark.usefixtures("founding_articles")


def section(html, heading_id):
    """The HTML of the page's section headed ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def page(client, slug):
    response = client.get(f"/mous/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_himachal_pradesh_figures_are_context_on_each_mou_page_not_the_mous_own(client):
    html = page(client, "amazon-india-mou-with-the-hp-department-of-industries")
    assert 'id="figures-heading"' not in html  # no figure is about this MoU itself
    context = section(html, "context-heading")
    assert "background, not part of the MoU" in context
    for figure in ["about 2,000", "over 37,000", "over $33 million"]:
        assert figure in context


def test_the_nine_odop_districts_are_the_mous_own_figure(client):
    html = page(
        client, "amazon-india-mou-with-the-uttar-pradesh-government-on-one-district-one-product"
    )
    assert "<strong>9</strong> districts in which the MoU" in section(html, "figures-heading")


def test_a_figure_about_another_state_is_not_context_for_an_mou_from_the_same_article(client):
    assam = page(client, "flipkart-mou-with-the-government-of-assam")
    context = section(assam, "context-heading")
    assert "7.50 lakh" in context  # Flipkart Samarth, Assam's programme
    assert "294" not in context  # Tamil Nadu's cooperative societies


def test_samarth_benefits_show_as_the_programmes_not_as_commitments(client):
    html = page(client, "flipkart-mou-with-the-government-of-jammu-and-kashmir")
    assert "commission waiver" not in section(html, "commitments-heading").lower()
    assert "commission waiver for the first six months" in section(html, "context-heading")
    programme = client.get("/programmes/flipkart-samarth/").content.decode()
    assert "commission waiver for the first six months" in section(programme, "benefits-heading")


def test_reported_speech_is_shown_as_the_sources_words_not_the_speakers(client):
    html = page(
        client, "amazon-india-mou-with-the-uttar-pradesh-government-on-one-district-one-product"
    )
    reactions = section(html, "reactions-heading")
    assert "Gopal Pillai said that Amazon.in" in reactions
    assert "The source's words" in reactions
    assert "as the source quotes them" not in reactions


def test_direct_quotes_are_attributed_to_their_speaker(client):
    html = page(client, "amazon-india-mou-with-himcrafts-himachal-pradesh")
    assert "Amit Agarwal, as the source quotes them" in section(html, "reactions-heading")


def test_cait_announced_actions_are_listed_under_its_reactions(client):
    html = page(client, "amazon-india-mou-with-the-industries-and-mines-department-gujarat")
    reactions = section(html, "reactions-heading")
    assert "Said they would:" in reactions
    assert "Halla Bol on E-Commerce" in reactions
    assert "Union Commerce Minister Piyush Goyal" in reactions


def test_the_khadi_tie_up_says_it_is_a_reported_tie_up_with_no_date(client):
    html = page(
        client, "amazon-india-tie-up-with-the-uttar-pradesh-khadi-and-village-industries-board"
    )
    assert "Tie-up reported" in html
    assert "Date not reported" in html
    assert "Signed" not in section(html, "mou-title").replace("Signed by", "")


def test_entity_pages_show_the_figures_reported_about_them(client):
    state = client.get("/states/himachal-pradesh/").content.decode()
    assert "about 2,000" in section(state, "figures-heading")
    sector = client.get("/sectors/textiles-and-apparel/").content.decode()
    figures = section(sector, "figures-heading")
    assert "about 50 million" in figures and "indirectly" in figures
    party = client.get("/parties/cait/").content.decode()
    assert "70 million" in section(party, "figures-heading")
