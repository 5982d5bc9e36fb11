"""
The audit log (logger ``mouregistry.audit``): one line per import, per admin change, per
failed login and per lockout, saying who did what to how many rows.

A line names a user by username only: never a password, an address, a browser or a
record's text (an attendee's or a reaction's name is a person's), only its model and id.
Usernames and file names are written with ``repr()`` so that one cannot start a forged
line of its own.
"""

import functools
import logging

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntryManager
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger("mouregistry.audit")

ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
IDS_SHOWN = 20


def log_failed_login(sender, credentials, request=None, **kwargs):
    logger.warning("login failed: username=%r", credentials.get("username"))


def log_lockout(sender, request, username, **kwargs):
    logger.warning("login locked out: username=%r", username)


def log_import(sender, instance, created, **kwargs):
    """An ``ImportRecord`` is written first in an import's transaction: say so once it
    is committed, so that a rolled-back import leaves no line."""
    if not created:
        return
    record = instance

    def write():
        logger.info(
            "import: username=%r kind=%s via=%s file=%r new=%d updated=%d unchanged=%d",
            record.user.get_username() if record.user else None,
            record.kind,
            record.via,
            record.file_name,
            record.new,
            record.updated,
            record.unchanged,
        )

    transaction.on_commit(write)


def describe(change_message):
    """What an admin change did, from ``LogEntry.change_message``: the fields it changed
    and the kinds of inline rows it added or deleted, never their text."""
    if not isinstance(change_message, list):
        return ""
    parts = []
    for message in change_message:
        for verb, detail in message.items():
            if "fields" in detail:
                parts.append(f"{verb} {', '.join(detail['fields'])}")
            elif "name" in detail:
                parts.append(f"{verb} {detail['name']}")
    return "; ".join(parts)


def log_admin_actions(user_id, objects, action_flag, change_message):
    """One line for one admin action, however many objects it touched (a bulk publish,
    a bulk delete), written once the action is committed: the admin's views run in a
    transaction, and one that rolls back changed nothing."""
    if not objects:
        return
    # Read now: a deleted object has no id by the time of the commit.
    ids = [str(obj.pk) for obj in objects]
    model = objects[0]._meta.label_lower
    what = describe(change_message)

    def write():
        if not logger.isEnabledFor(logging.INFO):
            return
        users = get_user_model()._default_manager
        username = users.filter(pk=user_id).values_list(users.model.USERNAME_FIELD, flat=True)
        logger.info(
            "admin %s: username=%r model=%s rows=%d ids=%s%s",
            ACTIONS.get(action_flag, action_flag),
            username.first(),
            model,
            len(ids),
            ",".join(ids[:IDS_SHOWN]) + (",…" if len(ids) > IDS_SHOWN else ""),
            f" what={what!r}" if what else "",
        )

    transaction.on_commit(write)


def audited(log_actions):
    """``LogEntryManager.log_actions`` is where the admin of every app (the registry's,
    auth's users and groups, axes') records an addition, change or deletion since Django
    5.1, one object or many; many are written by ``bulk_create``, which sends no
    ``post_save``, so the audit wraps the method itself."""

    @functools.wraps(log_actions)
    def wrapper(self, user_id, queryset, action_flag, change_message="", **kwargs):
        objects = list(queryset)
        entries = log_actions(self, user_id, objects, action_flag, change_message, **kwargs)
        log_admin_actions(user_id, objects, action_flag, change_message)
        return entries

    wrapper.audited = True
    return wrapper


def connect():
    from axes.signals import user_locked_out

    from .models import ImportRecord

    user_login_failed.connect(log_failed_login, dispatch_uid="audit-login-failed")
    user_locked_out.connect(log_lockout, dispatch_uid="audit-lockout")
    post_save.connect(log_import, sender=ImportRecord, dispatch_uid="audit-import")
    if not getattr(LogEntryManager.log_actions, "audited", False):
        LogEntryManager.log_actions = audited(LogEntryManager.log_actions)
