"""Keep search documents current on writes that do not go through ``refresh_derived``
(which indexes the MoUs it refreshes): a party added to an MoU, a reaction, a person
present, a sector ticked, a party or a source renamed. Each marks the MoUs whose pages
change as stale (``mark_stale``): their documents are rewritten once, when the
transaction commits. Bulk writes send no signals; the imports index what they wrote
through ``refresh_derived``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from . import mark_stale


def _facts_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_stale([instance.mou_id])


def _mou_deleted(sender, instance, **kwargs):
    mark_stale([instance.pk])


def _naming(instance):
    """The ids of the MoUs whose pages show ``instance`` (a party, programme, ...)."""
    from ..models import Mou

    return set(Mou.objects.showing(instance).values_list("pk", flat=True))


def _named_changed(sender, instance, created=False, raw=False, **kwargs):
    """A rename reaches the documents of the MoUs that name it. A new row is named by no
    MoU yet: no query."""
    if not raw and not created:
        mark_stale(_naming(instance))


def _named_deleted(sender, instance, **kwargs):
    """Deleting a programme, sector, ... removes it from its MoUs without an m2m signal."""
    mark_stale(_naming(instance))


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``mou.sectors.add(...)`` (or ``sector.mous.add(...)``) and the like."""
    from ..models import Mou

    if not reverse and isinstance(instance, Mou):
        if action in ("post_add", "post_remove", "post_clear"):
            mark_stale([instance.pk])
    elif action in ("post_add", "post_remove"):
        mark_stale(pk_set or ())
    elif action == "pre_clear":
        mark_stale(instance.mous.values_list("pk", flat=True))


def connect():
    from ..models import (
        Attendee,
        Beneficiary,
        Cluster,
        Commitment,
        FollowUp,
        Mou,
        MouParty,
        Party,
        Programme,
        Reaction,
        Sector,
        Source,
        State,
    )

    for model in (MouParty, Commitment, FollowUp, Reaction, Attendee):
        post_save.connect(_facts_changed, sender=model, dispatch_uid=f"search-{model.__name__}")
        post_delete.connect(
            _facts_changed, sender=model, dispatch_uid=f"search-delete-{model.__name__}"
        )
    post_delete.connect(_mou_deleted, sender=Mou, dispatch_uid="search-mou-deleted")
    for model in (Party, Programme, Sector, Beneficiary, Cluster, State, Source):
        post_save.connect(_named_changed, sender=model, dispatch_uid=f"search-{model.__name__}")
        pre_delete.connect(
            _named_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}"
        )
    for relation in (
        Mou.states,
        Mou.programmes,
        Mou.sectors,
        Mou.clusters,
        Mou.beneficiaries,
        Mou.sources,
    ):
        m2m_changed.connect(
            _m2m_changed, sender=relation.through, dispatch_uid=f"search-{relation.field.name}"
        )
