"""The data dictionary of the downloads (``/about/data/``): every column of the MoU and
commitment CSVs and every key of the JSON downloads, described from the models' own
verbose names, help texts and choices, so that the dictionary cannot drift from them.
Only what no model field holds (a list joined into one cell, a value the download
computes) is described here, next to where it is named. A test holds every column and
key of every download to an entry here, and the CSVs' columns to these, in order.
"""

import re
from dataclasses import dataclass, field

from django.utils.functional import Promise, lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .importing.cells import LIST_SEPARATOR
from .models import Commitment, Mou, MouParty, Party, Source

# The texts are lazy: made when shown, in the page's language (/hi/about/data/ in Hindi),
# while the downloads, the data package and the API's document, made in English, read
# the same entries (``dataset.build`` makes its files in English whatever address asks).


def _joined():
    return gettext("separated by “%(separator)s ” in the CSV, a list in the JSON") % {
        "separator": LIST_SEPARATOR
    }


JOINED = lazy(_joined, str)()

# What a Hindi translation keeps in English (a column's name, a code, an example value)
# it wraps in <span lang="en">; the rest of the text is escaped.
_ENGLISH = re.compile(r"&lt;span lang=&quot;en&quot;&gt;(.*?)&lt;/span&gt;")


def marked(text):
    """``text`` as HTML: escaped, but for the ``<span lang="en">`` a translation puts
    around what it keeps in English, so that it is marked as such."""
    return mark_safe(_ENGLISH.sub(r'<span lang="en">\1</span>', str(escape(text))))  # noqa: S308


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    values: list = field(default_factory=list)  # [(value, label)] for a field with choices

    @property
    def html(self):
        """The description as the page shows it (``marked``)."""
        return marked(self.description)


# The fields' and models' names that Django makes from the attribute ("signed on"),
# where the model gives none: named here in each language, as giving the fields a
# verbose name would change their migrations' state. A test holds every described
# field to a name here or a translated one of its own.
NAMES = {
    "reference": pgettext_lazy("field", "reference"),
    "slug": pgettext_lazy("field", "slug"),
    "title": pgettext_lazy("field", "title"),
    "status": pgettext_lazy("field", "status"),
    "status source": pgettext_lazy("field", "status source"),
    "current status": pgettext_lazy("field", "current status"),
    "place": pgettext_lazy("field", "place"),
    "occasion": pgettext_lazy("field", "occasion"),
    "ends on": pgettext_lazy("field", "ends on"),
    "duration": pgettext_lazy("field", "duration"),
    "last news on": pgettext_lazy("field", "last news on"),
    "summary": pgettext_lazy("field", "summary"),
    "objectives": pgettext_lazy("field", "objectives"),
    "published at": pgettext_lazy("field", "published at"),
    "updated at": pgettext_lazy("field", "updated at"),
    "name": pgettext_lazy("field", "name"),
    "code": pgettext_lazy("field", "code"),
    "former codes": pgettext_lazy("field", "former codes"),
    "kind": pgettext_lazy("field", "kind"),
    "short name": pgettext_lazy("field", "short name"),
    "other names": pgettext_lazy("field", "other names"),
    "state": pgettext_lazy("field", "state"),
    "parent": pgettext_lazy("field", "parent"),
    "website": pgettext_lazy("field", "website"),
    "description": pgettext_lazy("field", "description"),
    "owner": pgettext_lazy("field", "owner"),
    "launched year": pgettext_lazy("field", "launched year"),
    "product": pgettext_lazy("field", "product"),
    "sector": pgettext_lazy("field", "sector"),
    "publisher": pgettext_lazy("field", "publisher"),
    "author": pgettext_lazy("field", "author"),
    "published on": pgettext_lazy("field", "published on"),
    "MoU": pgettext_lazy("field", "MoU"),
    "mou": pgettext_lazy("field", "MoU"),
    "party": pgettext_lazy("field", "party"),
    "target value": pgettext_lazy("field", "target value"),
    "target unit": pgettext_lazy("field", "target unit"),
    "period": pgettext_lazy("field", "period"),
    "due on": pgettext_lazy("field", "due on"),
    "followed up": pgettext_lazy("field", "followed up"),
    "source": pgettext_lazy("field", "source"),
    "quote": pgettext_lazy("field", "quote"),
    "commitment": pgettext_lazy("field", "commitment"),
    "progress value": pgettext_lazy("field", "progress value"),
    "programme": pgettext_lazy("field", "programme"),
    "qualifier": pgettext_lazy("field", "qualifier"),
    "value": pgettext_lazy("field", "value"),
    "unit": pgettext_lazy("field", "unit"),
    "value as written": pgettext_lazy("field", "value as written"),
    "as of": pgettext_lazy("field", "as of"),
    "as of precision": pgettext_lazy("field", "as of precision"),
    "speaker": pgettext_lazy("field", "speaker"),
    "speaker title": pgettext_lazy("field", "speaker title"),
    "stance": pgettext_lazy("field", "stance"),
    "speech": pgettext_lazy("field", "speech"),
    "announced actions": pgettext_lazy("field", "announced actions"),
    "checked on": pgettext_lazy("field", "checked on"),
    "note": pgettext_lazy("field", "note"),
    "role": pgettext_lazy("field", "role"),
    "signatory": pgettext_lazy("field", "signatory"),
    "signatory title": pgettext_lazy("field", "signatory title"),
    "order": pgettext_lazy("field", "order"),
    "cluster": pgettext_lazy("field", "cluster"),
    "beneficiary": pgettext_lazy("field", "beneficiary"),
}

# The related records' plural names, as "the names of its ..." uses them.
PLURALS = {
    "states": pgettext_lazy("the names of its", "states"),
    "parties": pgettext_lazy("the names of its", "parties"),
    "programmes": pgettext_lazy("the names of its", "programmes"),
    "sectors": pgettext_lazy("the names of its", "sectors"),
    "clusters": pgettext_lazy("the names of its", "clusters"),
}


def name_of(name):
    """A field's or a model's verbose name in the current language: its own when
    translated, else the one ``NAMES`` gives Django's made-up name."""
    return name if isinstance(name, Promise) else NAMES.get(name, name)


def _description(model_field, of):
    name = name_of(model_field.verbose_name)
    if of:
        name = gettext("%(name)s of %(of)s") % {"name": name, "of": of}
    text = capfirst(str(name))
    if model_field.help_text:
        return gettext("%(name)s. %(help)s") % {"name": text, "help": model_field.help_text}
    return gettext("%(name)s.") % {"name": text}


_lazy_description = lazy(_description, str)


def described(model, name, *, of=""):
    """What a model's field means: its verbose name and help text, and its choices."""
    model_field = model._meta.get_field(name)
    return _lazy_description(model_field, of), [
        (value, label) for value, label in model_field.choices or []
    ]


def _names(related, what):
    return gettext("The names of its %(related)s (%(what)s), %(joined)s.") % {
        "related": PLURALS.get(related, related),
        "what": what,
        "joined": JOINED,
    }


_lazy_names = lazy(_names, str)


def names(model, name, what):
    """A relation given as names: what they are, from the model's verbose names."""
    related = model._meta.get_field(name).related_model._meta.verbose_name_plural
    return _lazy_names(str(related), what), []


def computed(text):
    return text, []


def entries(spec):
    return [Entry(name, *description) for name, description in spec.items()]


SOURCE = _("its first source (the earliest recorded)")

MOU_CSV = {
    "reference": described(Mou, "reference"),
    "title": described(Mou, "title"),
    "signed_on": described(Mou, "signed_on"),
    "date_kind": described(Mou, "date_kind"),
    "states": names(Mou, "states", _("states and union territories")),
    "parties": names(Mou, "parties", _("in their order on its page")),
    "programmes": names(Mou, "programmes", _("programmes it is signed under")),
    "sectors": names(Mou, "sectors", _("sectors it covers")),
    "clusters": names(Mou, "clusters", _("place: product")),
    "commitments": computed(format_lazy(_("The descriptions of its commitments, {}."), JOINED)),
    "status": described(Mou, "status"),
    "summary": described(Mou, "summary"),
    "source_url": described(Source, "url", of=SOURCE),
    "source_title": described(Source, "title", of=SOURCE),
    "source_publisher": described(Source, "publisher", of=SOURCE),
    "source_published_on": described(Source, "published_on", of=SOURCE),
    "published": computed(_("Always “yes”: the downloads hold published MoUs only.")),
}

# The tables of an MoU's facts that the /mous/ downloads add (``dataset.MOU_FACTS``):
# nested in each MoU of the JSON, and as CSV tables of their own.
MOU_FACTS = {
    "commitments": _("commitments"),
    "figures": _("figures reported about the MoU itself"),
    "reactions": _("reactions"),
}

MOU_JSON = {
    "reference": described(Mou, "reference"),
    "slug": described(Mou, "slug"),
    "url": computed(_("The MoU's page on the registry.")),
    "title": described(Mou, "title"),
    "status": described(Mou, "status"),
    "current_status": described(Mou, "current_status"),
    "last_news_on": described(Mou, "last_news_on"),
    "signed_on": described(Mou, "signed_on"),
    "signed_on_precision": described(Mou, "signed_on_precision"),
    "signed_on_display": computed(_("The date as the pages write it, at its precision.")),
    "date_kind": described(Mou, "date_kind"),
    "date_display": computed(_("The date with what it is, as the pages write it.")),
    "place": described(Mou, "place"),
    "summary": described(Mou, "summary"),
    "states": MOU_CSV["states"],
    "parties": computed(_("Its parties, each with its name, role and signatory (below).")),
    "parties.name": described(Party, "name"),
    "parties.role": described(MouParty, "role"),
    "parties.signatory": described(MouParty, "signatory"),
    "programmes": MOU_CSV["programmes"],
    "sectors": MOU_CSV["sectors"],
    "clusters": MOU_CSV["clusters"],
    "sources": computed(_("Its sources, each with its title, publisher, URL and date (below).")),
    "sources.title": described(Source, "title"),
    "sources.publisher": described(Source, "publisher"),
    "sources.url": described(Source, "url"),
    "sources.published_on": described(Source, "published_on"),
    "updated_at": described(Mou, "updated_at"),
    **{
        name: computed(
            format_lazy(
                _("Its {what}, each a row of the whole dataset's {name} table (below)."),
                what=what,
                name=name,
            )
        )
        for name, what in MOU_FACTS.items()
    },
}

COMMITMENTS = {
    "mou_reference": described(Mou, "reference", of=_("its MoU")),
    "mou_title": described(Mou, "title", of=_("its MoU")),
    "mou_url": computed(_("Its MoU's page on the registry.")),
    "party": described(Commitment, "party"),
    "kind": described(Commitment, "kind"),
    "description": described(Commitment, "description"),
    "target_value": described(Commitment, "target_value"),
    "target_unit": described(Commitment, "target_unit"),
    "period": described(Commitment, "period"),
    "status_at_signing": described(Commitment, "status"),
    "current_status": described(Commitment, "current_status"),
    "due_on": described(Commitment, "due_on"),
    "overdue": computed(_("Whether its due date has passed and no follow-up reports it done.")),
    "follow_ups": computed(_("How many follow-ups report on it.")),
    "last_follow_up_on": computed(_("The date of the latest follow-up about it.")),
    "source_title": described(Source, "title", of=_("its source")),
    "source_url": described(Source, "url", of=_("its source")),
}

# What every JSON download says of itself before its rows (exports.stream_json).
JSON_HEADER = {
    "registry": computed(_("The registry's name.")),
    "licence": computed(_("The licence the data is under: its name and its address.")),
    "generated_at": computed(_("When the file was made.")),
    "query": computed(_("The filters it was made with, as in the page's address.")),
    "total": computed(_("How many rows the filters select, in all parts.")),
    "part": computed(_("Which part of the selection this file is.")),
    "parts": computed(_("How many parts the selection comes in.")),
    "rows_per_part": computed(_("The most rows one part holds.")),
    "next": computed(_("The address of the next part; empty on the last.")),
}


def downloads():
    """The dictionary's sections: (title, the address, entries), one per download; the
    titles as HTML in the current language (``marked``)."""
    return [
        (marked(_("MoUs as CSV")), "agreements:mou_csv", entries(MOU_CSV)),
        (
            marked(_("MoUs as JSON (each item of “mous”)")),
            "agreements:mou_json",
            entries(MOU_JSON),
        ),
        (
            marked(_("Commitments as CSV and JSON")),
            "agreements:commitment_csv",
            entries(COMMITMENTS),
        ),
        (
            marked(_("What every JSON download says first")),
            "agreements:mou_json",
            entries(JSON_HEADER),
        ),
    ]
