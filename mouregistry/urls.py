from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from agreements.sitemaps import sitemaps
from agreements.views import robots_txt

from .health import healthz

admin.site.site_header = "MoU Registry administration"
admin.site.site_title = "MoU Registry admin"
admin.site.index_title = "Curate the registry"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("agreements.api.urls")),
    # One address each for crawlers; the sitemap lists every page in both languages.
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # The public pages in English at today's addresses and in Hindi under /hi/
    # (mouregistry.i18n). One namespace, so its downloads and feeds are at both too: a
    # download is the same English data at either, a feed speaks its page's language.
    *i18n_patterns(path("", include("agreements.urls")), prefix_default_language=False),
]
