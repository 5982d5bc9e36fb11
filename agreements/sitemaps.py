"""
sitemap.xml: every public page, and only public ones.

MoUs are the published ones; parties, programmes, clusters and sectors are
listed only when at least one published MoU names them, so the sitemap says
nothing about drafts.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Cluster, Mou, Party, Programme, Sector, State


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["agreements:home", "agreements:mou_list", "agreements:state_list"]

    def location(self, item):
        return reverse(item)


class MouSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Mou.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, mou):
        return mou.updated_at


class StateSitemap(Sitemap):
    def items(self):
        return State.objects.only("slug").order_by("pk")


class _WithPublishedMous(Sitemap):
    model = None

    def items(self):
        return Mou.objects.published().named(self.model).only("slug").order_by("pk")


class PartySitemap(_WithPublishedMous):
    model = Party


class ProgrammeSitemap(_WithPublishedMous):
    model = Programme


class ClusterSitemap(_WithPublishedMous):
    model = Cluster


class SectorSitemap(_WithPublishedMous):
    model = Sector


sitemaps = {
    "pages": PageSitemap,
    "mous": MouSitemap,
    "states": StateSitemap,
    "parties": PartySitemap,
    "programmes": ProgrammeSitemap,
    "clusters": ClusterSitemap,
    "sectors": SectorSitemap,
}
