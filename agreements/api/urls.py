"""``/api/v1/``: the reference page, the OpenAPI document, a list and a detail per kind,
and a JSON 404 for any other address."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("mous", views.MouViewSet, basename="mou")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("states", views.StateViewSet, basename="state")
router.register("parties", views.PartyViewSet, basename="party")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("", views.reference_page, name="reference"),
    path("openapi.json", views.OpenApiView.as_view(), name="openapi"),
    *router.urls,
    re_path(r"", views.NotFoundView.as_view(), name="not_found"),
]
