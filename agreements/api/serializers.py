"""What each endpoint answers, declared field by field for the OpenAPI document.

An MoU, a commitment and the facts in them are written by the downloads' own functions
(``agreements.exports``), so a field has one name and one value in a download and in
the API; the serializers here only declare those fields' types (``JsonRowSerializer``),
with the data dictionary's descriptions (``agreements.dictionary``) where it has one,
and schemathesis holds every response to the declaration. What the API adds to a
download's row (an id to address it by, a detail's facts) is marked as such.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import dictionary, exports
from ..filters import MouFilter
from ..models import (
    Cluster,
    Commitment,
    CommitmentStatus,
    Mou,
    MouParty,
    MouStatus,
    Party,
    Precision,
    Programme,
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
)


def described(table, name):
    """The data dictionary's description of the download field ``name``."""
    return table[name][0]


MOU = dictionary.MOU_JSON
COMMITMENT = dictionary.COMMITMENTS

# A text that is never empty; ``text()`` one that may be ("" when the source does not say).
Text = serializers.CharField


def text(help_text=""):
    return serializers.CharField(allow_blank=True, help_text=help_text)


def names(help_text):
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


def choice(choices, help_text="", **kwargs):
    return serializers.ChoiceField(choices=choices, help_text=help_text, **kwargs)


def date(help_text="", null=False):
    return serializers.DateField(allow_null=null, help_text=help_text)


def decimal(help_text=""):
    """A decimal as the downloads write it: a string, so no digit is lost to a float."""
    return serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, help_text=help_text
    )


class JsonRowSerializer(serializers.Serializer):
    """A row written by ``as_json(request, instance)``; the declared fields only document
    it. Read-only: the API takes no input."""

    @staticmethod
    def as_json(request, instance):
        raise NotImplementedError

    def to_representation(self, instance):
        return self.as_json(self.context["request"], instance)


class SourceReferenceSerializer(serializers.Serializer):
    """A source as every JSON row names it (``exports.source_as_json``)."""

    title = serializers.CharField(help_text=described(MOU, "sources.title"))
    publisher = text(described(MOU, "sources.publisher"))
    url = text(described(MOU, "sources.url"))
    published_on = date(described(MOU, "sources.published_on"), null=True)


class SourcedSerializer(serializers.Serializer):
    """A fact's quote and source (``exports.sourced_as_json``)."""

    quote = text("A short quote from the source: the evidence for the fact.")
    source = SourceReferenceSerializer()


class FollowUpSerializer(SourcedSerializer):
    dated_on = date("When it happened, or when the source reported it.")
    dated_on_precision = choice(Precision.choices, "How much of the date the source gives.")
    dated_on_display = Text(help_text="The date as the pages write it, at its precision.")
    summary = Text(help_text="What happened.")
    mou_status = choice(MouStatus.choices, "The MoU status it reports, if any.", allow_blank=True)
    commitment_status = choice(
        CommitmentStatus.choices, "The commitment status it reports, if any.", allow_blank=True
    )
    progress_value = decimal("Progress against the commitment's target, in its unit.")


class FigureSerializer(SourcedSerializer):
    description = Text(help_text="What is counted.")
    qualifier = choice(ReportedFigure.Qualifier.choices, "Exactly, about, over or up to.")
    value = decimal("The number.")
    unit = Text(help_text="What the number counts: sellers, USD, artisans.")
    value_as_written = text("The figure as the source writes it: 7.50 lakh.")
    display_value = Text(help_text="The figure as the pages write it.")
    as_of = date("The date the figure is for.", null=True)
    as_of_precision = choice(Precision.choices, "How much of that date the source gives.")
    party = text("The party it is about, by name.")
    programme = text("The programme it is about, by name.")
    state = text("The state it is about, by name.")
    sector = text("The sector it is about, by name.")


class ReactionSerializer(SourcedSerializer):
    party = text("The party that reacted, by name.")
    speaker = text("Who spoke, if a person.")
    speaker_title = text()
    stance = choice(Reaction.Stance.choices)
    speech = choice(
        Reaction.Speech.choices, "Reported speech is the source's words, not the speaker's."
    )
    summary = Text()
    announced_actions = names("What they said they would do.")


class AttendeeSerializer(SourcedSerializer):
    name = Text()
    title = text()
    party = text("The party they came for, by name.")


class PartyLinkSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=described(MOU, "parties.name"))
    role = choice(MouParty.Role.choices, described(MOU, "parties.role"))
    signatory = text(described(MOU, "parties.signatory"))


class MouSerializer(JsonRowSerializer):
    """An MoU as the JSON download writes it (``exports.mou_as_json``)."""

    as_json = staticmethod(exports.mou_as_json)

    reference = text(described(MOU, "reference"))
    slug = serializers.SlugField(help_text=described(MOU, "slug"))
    url = serializers.URLField(help_text=described(MOU, "url"))
    title = Text(help_text=described(MOU, "title"))
    status = choice(MouStatus.choices, described(MOU, "status"))
    current_status = choice(MouStatus.choices, described(MOU, "current_status"))
    last_news_on = date(described(MOU, "last_news_on"), null=True)
    signed_on = date(described(MOU, "signed_on"), null=True)
    signed_on_precision = choice(Precision.choices, described(MOU, "signed_on_precision"))
    signed_on_display = Text(help_text=described(MOU, "signed_on_display"))
    date_kind = choice(Mou.DateKind.choices, described(MOU, "date_kind"))
    date_display = Text(help_text=described(MOU, "date_display"))
    place = text(described(MOU, "place"))
    summary = text(described(MOU, "summary"))
    states = names(described(MOU, "states"))
    parties = PartyLinkSerializer(many=True, help_text=described(MOU, "parties"))
    programmes = names(described(MOU, "programmes"))
    sectors = names(described(MOU, "sectors"))
    clusters = names(described(MOU, "clusters"))
    sources = SourceReferenceSerializer(many=True, help_text=described(MOU, "sources"))
    updated_at = serializers.DateTimeField(help_text=described(MOU, "updated_at"))


class CommitmentSerializer(JsonRowSerializer):
    """A commitment as the downloads write it (``exports.commitment_as_json``), with its
    id (API only: ``/api/v1/commitments/{id}/``) and its source's quote."""

    id = serializers.IntegerField(help_text="API only: its address, /api/v1/commitments/{id}/.")
    mou_reference = text(described(COMMITMENT, "mou_reference"))
    mou_title = Text(help_text=described(COMMITMENT, "mou_title"))
    mou_url = serializers.URLField(help_text=described(COMMITMENT, "mou_url"))
    party = text(described(COMMITMENT, "party"))
    kind = choice(Commitment.Kind.choices, described(COMMITMENT, "kind"))
    description = Text(help_text=described(COMMITMENT, "description"))
    target_value = decimal(described(COMMITMENT, "target_value"))
    target_unit = text(described(COMMITMENT, "target_unit"))
    period = text(described(COMMITMENT, "period"))
    status_at_signing = choice(CommitmentStatus.choices, described(COMMITMENT, "status_at_signing"))
    current_status = choice(CommitmentStatus.choices, described(COMMITMENT, "current_status"))
    due_on = date(described(COMMITMENT, "due_on"), null=True)
    overdue = serializers.BooleanField(help_text=described(COMMITMENT, "overdue"))
    follow_ups = serializers.IntegerField(help_text=described(COMMITMENT, "follow_ups"))
    last_follow_up_on = date(described(COMMITMENT, "last_follow_up_on"), null=True)
    source_title = Text(help_text=described(COMMITMENT, "source_title"))
    source_url = text(described(COMMITMENT, "source_url"))
    quote = text("API only: a short quote from its source.")

    @staticmethod
    def as_json(request, commitment):
        return {
            "id": commitment.pk,
            **exports.commitment_as_json(request, commitment),
            "quote": commitment.quote,
        }


class CommitmentWithHistorySerializer(CommitmentSerializer):
    history = FollowUpSerializer(many=True, help_text="API only: its follow-ups, oldest first.")

    @staticmethod
    def as_json(request, commitment):
        return {
            **CommitmentSerializer.as_json(request, commitment),
            "history": [exports.follow_up_as_json(f) for f in commitment.history],
        }


class NewsCheckSerializer(serializers.Serializer):
    checked_on = date("When an editor searched for news about the MoU and found none.")
    note = Text(help_text="Where they looked.")


class MouDetailSerializer(MouSerializer):
    """An MoU with everything its page shows: the download's row (``MouSerializer``)
    and, API only, what its sources report besides, each fact with its quote and source.
    Reads ``MouQuerySet.for_detail()``."""

    occasion = text(Mou._meta.get_field("occasion").help_text)
    objectives = text()
    beneficiaries = names("Who it is meant to help.")
    ends_on = date("When it ends, when a source says.", null=True)
    duration = text(Mou._meta.get_field("duration").help_text)
    commitments = CommitmentWithHistorySerializer(many=True)
    follow_ups = FollowUpSerializer(
        many=True, help_text="News about the MoU as a whole since the signing, oldest first."
    )
    checks = NewsCheckSerializer(many=True, help_text="Searches for news that found none.")
    figures = FigureSerializer(many=True, help_text="Figures about the MoU itself.")
    reactions = ReactionSerializer(many=True)
    attendees = AttendeeSerializer(many=True, help_text="People present at the signing.")

    @staticmethod
    def as_json(request, mou):
        return {
            **exports.mou_as_json(request, mou),
            "occasion": mou.occasion,
            "objectives": mou.objectives,
            "beneficiaries": [beneficiary.name for beneficiary in mou.beneficiaries.all()],
            "ends_on": mou.ends_on,
            "duration": mou.duration,
            "commitments": [
                CommitmentWithHistorySerializer.as_json(request, commitment)
                for commitment in mou.commitments_with_history
            ],
            "follow_ups": [
                exports.follow_up_as_json(f) for f in mou.follow_up_list if not f.commitment_id
            ],
            "checks": [{"checked_on": c.checked_on, "note": c.note} for c in mou.check_list],
            "figures": [exports.figure_as_json(figure) for figure in mou.figure_list],
            "reactions": [exports.reaction_as_json(reaction) for reaction in mou.reaction_list],
            "attendees": [exports.attendee_as_json(attendee) for attendee in mou.attendee_list],
        }


class SourceSerializer(serializers.ModelSerializer):
    """A source: what a reader needs to find and check it, and how many public facts it
    supports. Never its internal note, which is for editors."""

    registry_url = serializers.SerializerMethodField(help_text="Its page on the registry.")
    fact_count = serializers.IntegerField(help_text="How many public facts it supports.")

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "publisher",
            "author",
            "url",
            "published_on",
            "archive_url",
            "url_checked_on",
            "public_note",
            "fact_count",
            "registry_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_registry_url(self, source):
        return self.context["request"].build_absolute_uri(source.get_absolute_url())


class EntitySerializer(serializers.ModelSerializer):
    """A state, party, programme, sector or cluster: its fields, its page, how many
    published MoUs name it and where to list them (the MoU list's filter by it)."""

    url = serializers.SerializerMethodField(help_text="Its page on the registry.")
    mou_count = serializers.IntegerField(help_text="How many published MoUs name it.")
    mous = serializers.SerializerMethodField(help_text="Its published MoUs, in the API.")

    common_fields = ["slug", "url", "mou_count", "mous"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_mous(self, obj):
        path = f"{reverse('api:mou-list')}?{mou_filter_by(type(obj))}={obj.slug}"
        return self.context["request"].build_absolute_uri(path)


def mou_filter_by(model):
    """The name of the MoU list's filter by ``model`` (``MouFilter``'s ``state``,
    ``party``, ...), so that ``mous`` links the filter the list itself defines."""
    return next(
        name
        for name, choice in MouFilter.base_filters.items()
        if getattr(choice, "queryset", None) is not None and choice.queryset.model is model
    )


def named(help_text):
    """A related row by its name, as the downloads name relations; empty when none."""
    return serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True, help_text=help_text
    )


class StateSerializer(EntitySerializer):
    class Meta:
        model = State
        fields = ["name", "code", "kind", *EntitySerializer.common_fields]


class PartySerializer(EntitySerializer):
    state = named("The state it belongs to, by name.")
    parent = named("The organisation it belongs to, by name.")

    class Meta:
        model = Party
        fields = [
            "name",
            "short_name",
            "kind",
            "state",
            "parent",
            "website",
            "description",
            *EntitySerializer.common_fields,
        ]


class ProgrammeSerializer(EntitySerializer):
    owner = named("Who runs it, by name.")

    class Meta:
        model = Programme
        fields = [
            "name",
            "owner",
            "description",
            "launched_year",
            *EntitySerializer.common_fields,
        ]


class SectorSerializer(EntitySerializer):
    class Meta:
        model = Sector
        fields = ["name", "description", *EntitySerializer.common_fields]


class ClusterSerializer(EntitySerializer):
    state = named("Its state, by name.")
    sector = named("Its sector, by name.")

    class Meta:
        model = Cluster
        fields = ["place", "product", "state", "sector", "gi_tag", *EntitySerializer.common_fields]
