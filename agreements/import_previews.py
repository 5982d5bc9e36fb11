"""Where an admin import's file waits between its preview and its confirmation.

django-import-export saves the uploaded file at the preview, puts the name it saved it
under in the confirm form, and reads then deletes the file of whatever name the confirm
form brings back. Its default storage took that name as a path in the system's temporary
directory, so an Editor could post any name there and have the server read and delete
another file, and the form showed the server's path. ``PreviewStorage``
(``IMPORT_EXPORT_TMP_STORAGE_CLASS``) keeps the files in a directory of their own
(``IMPORT_PREVIEW_DIR``, private to the site's user), under names the server draws at
random, and treats a name coming back as a key to check, never as a path: one it could
not have drawn, or whose file is gone or older than ``IMPORT_PREVIEW_MAX_AGE``, is
``PreviewGone``, which the admin answers with a message. A confirmed preview's file is
removed, and so is one whose preview found errors (``admin_import``); each new preview
removes the expired ones, and the oldest beyond ``IMPORT_PREVIEW_MAX_BYTES`` in all.
"""

import os
import re
import secrets
import stat
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from import_export.tmp_storages import BaseStorage

# 128 random bits in hex: what ``PreviewStorage`` names a file, and all it accepts back.
PREVIEW_NAME = re.compile(r"[0-9a-f]{32}")


class PreviewGone(Exception):
    """The preview a confirmation names cannot be imported: not one the server made, or
    no longer kept. Its message is for the Editor."""


def preview_dir():
    """``IMPORT_PREVIEW_DIR``, made if missing, and refused unless only the site's user
    can use it: a directory someone else made (in a shared /tmp) could be read or
    swapped by them."""
    directory = Path(settings.IMPORT_PREVIEW_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.lstat()
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    ):
        raise ImproperlyConfigured(
            f"IMPORT_PREVIEW_DIR {directory} must be a directory that only the site's user "
            "owns and can use (chmod 700); it holds the files of import previews."
        )
    return directory


def sweep(directory, room=0):
    """Remove the expired previews, and the oldest beyond ``IMPORT_PREVIEW_MAX_BYTES``
    with ``room`` bytes kept for a new one."""
    now = time.time()
    files = []
    for entry in os.scandir(directory):
        if PREVIEW_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            files.append((info.st_mtime, info.st_size, entry.path))
    kept = room
    for modified, size, path in sorted(files, reverse=True):
        kept += size
        if now - modified > settings.IMPORT_PREVIEW_MAX_AGE or (
            kept > settings.IMPORT_PREVIEW_MAX_BYTES
        ):
            Path(path).unlink(missing_ok=True)


class PreviewStorage(BaseStorage):
    """django-import-export's temporary storage for the admin's imports (see the module):
    files saved and read as bytes in ``preview_dir()``, under random names, checked
    when they come back."""

    def save(self, data):
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        directory = preview_dir()
        sweep(directory, room=len(data))
        self.name = secrets.token_hex(16)
        # O_EXCL: never through a file or link that is already there.
        descriptor = os.open(
            directory / self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600
        )
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self):
        path = self._path()
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            raise PreviewGone(self.gone()) from None
        with os.fdopen(descriptor, "rb") as file:
            if time.time() - os.fstat(file.fileno()).st_mtime > settings.IMPORT_PREVIEW_MAX_AGE:
                path.unlink(missing_ok=True)
                raise PreviewGone(
                    f"This preview has expired (previews are kept "
                    f"{settings.IMPORT_PREVIEW_MAX_AGE // 60} minutes); upload the file again."
                )
            return file.read()

    def remove(self):
        self._path().unlink(missing_ok=True)

    def _path(self):
        if not isinstance(self.name, str) or not PREVIEW_NAME.fullmatch(self.name):
            raise PreviewGone(self.gone())
        return preview_dir() / self.name

    @staticmethod
    def gone():
        return (
            "This preview cannot be found (it was imported or has expired); upload the file again."
        )
