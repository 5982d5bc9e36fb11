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
from ..models import Cluster, Commitment, Mou, Party, Programme, Sector, Source, State
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


def counted(model, *related):
    """Every public row of ``model``, with its related rows and ``mou_count``, its number
    of published MoUs (zeros included): one query."""
    rows = model.objects.public().select_related(*related)
    return Mou.objects.published().counted(rows)


@extend_schema_view(
    list=extend_schema(
        summary="MoUs",
        description="Published MoUs, filtered and searched as on /mous/ (same parameters); "
        "newest first, best match first when searched.",
    ),
    retrieve=extend_schema(
        summary="An MoU",
        description="One published MoU with everything its page shows, each fact with its "
        "quote and source.",
    ),
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


@extend_schema_view(
    list=extend_schema(
        summary="Commitments",
        description="Every commitment of a published MoU, filtered as on /commitments/.",
    ),
    retrieve=extend_schema(summary="A commitment"),
)
class CommitmentViewSet(RegistryViewSet):
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommitmentFilter
    serializer_class = serializers.CommitmentSerializer

    def get_queryset(self):
        return Commitment.objects.public().for_export()


@extend_schema_view(
    list=extend_schema(summary="States", description="All 36 states and union territories."),
    retrieve=extend_schema(summary="A state"),
)
class StateViewSet(RegistryViewSet):
    serializer_class = serializers.StateSerializer

    def get_queryset(self):
        return counted(State)


@extend_schema_view(
    list=extend_schema(summary="Parties", description="Every public party, A to Z."),
    retrieve=extend_schema(summary="A party"),
)
class PartyViewSet(RegistryViewSet):
    serializer_class = serializers.PartySerializer

    def get_queryset(self):
        return counted(Party, "state", "parent")


@extend_schema_view(
    list=extend_schema(summary="Programmes", description="Every public programme, A to Z."),
    retrieve=extend_schema(summary="A programme"),
)
class ProgrammeViewSet(RegistryViewSet):
    serializer_class = serializers.ProgrammeSerializer

    def get_queryset(self):
        return counted(Programme, "owner")


@extend_schema_view(
    list=extend_schema(summary="Sectors", description="Every public sector, A to Z."),
    retrieve=extend_schema(summary="A sector"),
)
class SectorViewSet(RegistryViewSet):
    serializer_class = serializers.SectorSerializer

    def get_queryset(self):
        return counted(Sector)


@extend_schema_view(
    list=extend_schema(summary="Clusters", description="Every public product cluster."),
    retrieve=extend_schema(summary="A cluster"),
)
class ClusterViewSet(RegistryViewSet):
    serializer_class = serializers.ClusterSerializer

    def get_queryset(self):
        return counted(Cluster, "state", "sector")


@extend_schema_view(
    list=extend_schema(
        summary="Sources",
        description="Every public source (not those only drafts cite), newest first.",
    ),
    retrieve=extend_schema(summary="A source"),
)
class SourceViewSet(RegistryViewSet):
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = serializers.SourceSerializer

    def get_queryset(self):
        return Source.objects.public().with_fact_count()
