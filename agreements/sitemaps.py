"""
sitemap.xml: every public page, and only public ones.

MoUs are the published ones; states, parties, programmes, clusters and sectors
are what ``public()`` allows, the same rule as their pages, so the sitemap says
nothing about drafts.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Cluster, Mou, Party, Programme, Sector, State


class PageSitemap(Sitemap):
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
        ]

    def location(self, item):
        return reverse(item)


class MouSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Mou.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, mou):
        return mou.updated_at


class PublicSitemap(Sitemap):
    """Every public state, party, programme, cluster or sector page of one kind."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.public().only("slug").order_by("pk")


sitemaps = {
    "pages": PageSitemap,
    "mous": MouSitemap,
    "states": PublicSitemap(State),
    "parties": PublicSitemap(Party),
    "programmes": PublicSitemap(Programme),
    "clusters": PublicSitemap(Cluster),
    "sectors": PublicSitemap(Sector),
}
