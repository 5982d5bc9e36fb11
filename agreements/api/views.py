"""The API's endpoints: a list and a detail for each kind of record, published data
only, and its OpenAPI document and reference page. How answers are paged, limited and
refused is in ``conventions``; every answer names the data's licence in a ``Link:
rel="license"`` header.
"""

from django.shortcuts import render
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, viewsets
from rest_framework.views import APIView

from .. import exports
from ..filters import CommitmentFilter, MouFilter
from ..models import Commitment, Mou, Source
from . import schema, serializers

LICENCE_LINK = f'<{exports.DATA_LICENCE["url"]}>; rel="license"'


class LicensedMixin:
    """Every answer names the data's licence in a ``Link`` header, beside any other link."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        links = [response["Link"]] if response.has_header("Link") else []
        response["Link"] = ", ".join([*links, LICENCE_LINK])
        return response


class OpenApiView(LicensedMixin, SpectacularJSONAPIView):
    """The OpenAPI document, ``/api/v1/openapi.json``."""


@extend_schema(exclude=True)
class NotFoundView(LicensedMixin, APIView):
    """Any other address under ``/api/v1/``: a 404 in JSON, as a program expects, not
    the site's page."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()


def reference_page(request):
    """The OpenAPI document as a page people read: every endpoint, parameter, response
    and field, rendered on the server (no script, works offline)."""
    return render(request, "api/reference.html", schema.reference())


class RegistryViewSet(LicensedMixin, viewsets.ReadOnlyModelViewSet):
    """A kind of record: its list (``/api/v1/parties/``) and its detail by slug."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = ["get", "head", "options"]


def documented(many, one, description="", one_description=""):
    """The summaries (and descriptions) of a kind's two endpoints in the OpenAPI document."""
    return extend_schema_view(
        list=extend_schema(summary=many, description=description),
        retrieve=extend_schema(
            summary=one, description=one_description or f"{one}, as a row of the list."
        ),
    )


@documented(
    "MoUs",
    "An MoU",
    "Published MoUs, filtered and searched as on /mous/ (same parameters); newest first, "
    "best match first when searched.",
    "One published MoU with everything its page shows, each fact with its quote and source.",
)
class MouViewSet(RegistryViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = MouFilter

    def get_queryset(self):
        mous = Mou.objects.published()
        return mous.for_detail() if self.action == "retrieve" else mous.for_json()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.MouDetailSerializer
        return serializers.MouSerializer


class ById:
    """Addressed by id, for what has no slug."""

    lookup_field = "pk"
    lookup_value_regex = r"[0-9]{1,18}"


@documented(
    "Commitments",
    "A commitment",
    "Every commitment of a published MoU, filtered as on /commitments/.",
)
class CommitmentViewSet(ById, RegistryViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommitmentFilter
    serializer_class = serializers.CommitmentSerializer

    def get_queryset(self):
        return Commitment.objects.public().for_export()


@documented(
    "Sources", "A source", "Every public source (not those only drafts cite), newest first."
)
class SourceViewSet(ById, RegistryViewSet):
    serializer_class = serializers.SourceSerializer

    def get_queryset(self):
        return Source.objects.public().with_fact_count()


class EntityViewSet(RegistryViewSet):
    """A kind of thing MoUs name (its serializer's model): every public one, with the
    rows its serializer names (``related``) and ``mou_count``, its number of published
    MoUs, zeros included. One query a page."""

    related = ()

    def get_queryset(self):
        rows = self.serializer_class.Meta.model.objects.public().select_related(*self.related)
        return Mou.objects.published().counted(rows)


@documented("States", "A state", "All 36 states and union territories.")
class StateViewSet(EntityViewSet):
    serializer_class = serializers.StateSerializer


@documented("Parties", "A party", "Every public party, A to Z.")
class PartyViewSet(EntityViewSet):
    serializer_class = serializers.PartySerializer
    related = ["state", "parent"]


@documented("Programmes", "A programme", "Every public programme, A to Z.")
class ProgrammeViewSet(EntityViewSet):
    serializer_class = serializers.ProgrammeSerializer
    related = ["owner"]


@documented("Sectors", "A sector", "Every public sector, A to Z.")
class SectorViewSet(EntityViewSet):
    serializer_class = serializers.SectorSerializer


@documented("Clusters", "A cluster", "Every public product cluster.")
class ClusterViewSet(EntityViewSet):
    serializer_class = serializers.ClusterSerializer
    related = ["state", "sector"]
