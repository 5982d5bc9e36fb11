from django.contrib import admin
from django.urls import include, path

from .health import healthz

admin.site.site_header = "MoU Registry administration"
admin.site.site_title = "MoU Registry admin"
admin.site.index_title = "Curate the registry"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("agreements.api.urls")),
    path("", include("agreements.urls")),
]
