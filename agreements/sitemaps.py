"""
sitemap.xml: every public page, and only public ones.

MoUs are the published ones; states, parties, programmes, clusters, sectors and
sources are what ``public()`` allows, the same rule as their pages, so the sitemap says
nothing about drafts. Every page is listed in English and in Hindi, each naming the
other (and English as the default) as its alternates.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Cluster, Mou, Party, Programme, Sector, Source, State


class BilingualSitemap(Sitemap):
    """Each item's page in every language of ``LANGUAGES``, with its alternates."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "agreements:home",
            "agreements:mou_list",
            "agreements:commitment_list",
            "agreements:state_list",
            "agreements:party_list",
            "agreements:programme_list",
            "agreements:sector_list",
            "agreements:cluster_list",
            "agreements:source_list",
            "agreements:about",
            "agreements:data_dictionary",
            "agreements:dataset",
        ]

    def location(self, item):
        return reverse(item)


class MouSitemap(BilingualSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Mou.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, mou):
        return mou.updated_at


class PublicSitemap(BilingualSitemap):
    """Every public state, party, programme, cluster, sector or source page of one kind;
    ``key`` is the field its address takes (a source's is its id)."""

    def __init__(self, model, key="slug"):
        self.model = model
        self.key = key

    def items(self):
        return self.model.objects.public().only(self.key).order_by("pk")


sitemaps = {
    "pages": PageSitemap,
    "mous": MouSitemap,
    "states": PublicSitemap(State),
    "parties": PublicSitemap(Party),
    "programmes": PublicSitemap(Programme),
    "clusters": PublicSitemap(Cluster),
    "sectors": PublicSitemap(Sector),
    "sources": PublicSitemap(Source, key="pk"),
}
