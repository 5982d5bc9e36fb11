"""The data dictionary of the downloads (``/about/data/``): every column of the MoU and
commitment CSVs and every key of the JSON downloads, described from the models' own
verbose names, help texts and choices, so that the dictionary cannot drift from them.
Only what no model field holds (a list joined into one cell, a value the download
computes) is described here, next to where it is named. A test holds every column and
key of every download to an entry here, and the CSVs' columns to these, in order.
"""

from dataclasses import dataclass, field

from django.utils.text import capfirst

from .importing.cells import LIST_SEPARATOR
from .models import Commitment, Mou, MouParty, Party, Source

JOINED = f"separated by “{LIST_SEPARATOR} ” in the CSV, a list in the JSON"


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    values: list = field(default_factory=list)  # [(value, label)] for a field with choices


def described(model, name, *, of=""):
    """What a model's field means: its verbose name and help text, and its choices."""
    model_field = model._meta.get_field(name)
    text = capfirst(f"{model_field.verbose_name}{f' of {of}' if of else ''}") + "."
    if model_field.help_text:
        text += f" {model_field.help_text}"
    return text, [(value, label) for value, label in model_field.choices or []]


def names(model, name, what):
    """A relation given as names: what they are, from the model's verbose names."""
    related = model._meta.get_field(name).related_model._meta.verbose_name_plural
    return f"The names of its {related} ({what}), {JOINED}.", []


def computed(text):
    return text, []


def entries(spec):
    return [Entry(name, *description) for name, description in spec.items()]


SOURCE = "its first source (the earliest recorded)"

MOU_CSV = {
    "reference": described(Mou, "reference"),
    "title": described(Mou, "title"),
    "signed_on": described(Mou, "signed_on"),
    "date_kind": described(Mou, "date_kind"),
    "states": names(Mou, "states", "states and union territories"),
    "parties": names(Mou, "parties", "in their order on its page"),
    "programmes": names(Mou, "programmes", "programmes it is signed under"),
    "sectors": names(Mou, "sectors", "sectors it covers"),
    "clusters": names(Mou, "clusters", "place: product"),
    "commitments": computed(f"The descriptions of its commitments, {JOINED}."),
    "status": described(Mou, "status"),
    "summary": described(Mou, "summary"),
    "source_url": described(Source, "url", of=SOURCE),
    "source_title": described(Source, "title", of=SOURCE),
    "source_publisher": described(Source, "publisher", of=SOURCE),
    "source_published_on": described(Source, "published_on", of=SOURCE),
    "published": computed("Always “yes”: the downloads hold published MoUs only."),
}

# The tables of an MoU's facts that the /mous/ downloads add (``dataset.MOU_FACTS``):
# nested in each MoU of the JSON, and as CSV tables of their own.
MOU_FACTS = {
    "commitments": "commitments",
    "figures": "figures reported about the MoU itself",
    "reactions": "reactions",
}

MOU_JSON = {
    "reference": described(Mou, "reference"),
    "slug": described(Mou, "slug"),
    "url": computed("The MoU's page on the registry."),
    "title": described(Mou, "title"),
    "status": described(Mou, "status"),
    "current_status": described(Mou, "current_status"),
    "last_news_on": described(Mou, "last_news_on"),
    "signed_on": described(Mou, "signed_on"),
    "signed_on_precision": described(Mou, "signed_on_precision"),
    "signed_on_display": computed("The date as the pages write it, at its precision."),
    "date_kind": described(Mou, "date_kind"),
    "date_display": computed("The date with what it is, as the pages write it."),
    "place": described(Mou, "place"),
    "summary": described(Mou, "summary"),
    "states": MOU_CSV["states"],
    "parties": computed("Its parties, each with its name, role and signatory (below)."),
    "parties.name": described(Party, "name"),
    "parties.role": described(MouParty, "role"),
    "parties.signatory": described(MouParty, "signatory"),
    "programmes": MOU_CSV["programmes"],
    "sectors": MOU_CSV["sectors"],
    "clusters": MOU_CSV["clusters"],
    "sources": computed("Its sources, each with its title, publisher, URL and date (below)."),
    "sources.title": described(Source, "title"),
    "sources.publisher": described(Source, "publisher"),
    "sources.url": described(Source, "url"),
    "sources.published_on": described(Source, "published_on"),
    "updated_at": described(Mou, "updated_at"),
    **{
        name: computed(f"Its {what}, each a row of the whole dataset's {name} table (below).")
        for name, what in MOU_FACTS.items()
    },
}

COMMITMENTS = {
    "mou_reference": described(Mou, "reference", of="its MoU"),
    "mou_title": described(Mou, "title", of="its MoU"),
    "mou_url": computed("Its MoU's page on the registry."),
    "party": described(Commitment, "party"),
    "kind": described(Commitment, "kind"),
    "description": described(Commitment, "description"),
    "target_value": described(Commitment, "target_value"),
    "target_unit": described(Commitment, "target_unit"),
    "period": described(Commitment, "period"),
    "status_at_signing": described(Commitment, "status"),
    "current_status": described(Commitment, "current_status"),
    "due_on": described(Commitment, "due_on"),
    "overdue": computed("Whether its due date has passed and no follow-up reports it done."),
    "follow_ups": computed("How many follow-ups report on it."),
    "last_follow_up_on": computed("The date of the latest follow-up about it."),
    "source_title": described(Source, "title", of="its source"),
    "source_url": described(Source, "url", of="its source"),
}

# What every JSON download says of itself before its rows (exports.stream_json).
JSON_HEADER = {
    "registry": computed("The registry's name."),
    "licence": computed("The licence the data is under: its name and its address."),
    "generated_at": computed("When the file was made."),
    "query": computed("The filters it was made with, as in the page's address."),
    "total": computed("How many rows the filters select, in all parts."),
    "part": computed("Which part of the selection this file is."),
    "parts": computed("How many parts the selection comes in."),
    "rows_per_part": computed("The most rows one part holds."),
    "next": computed("The address of the next part; empty on the last."),
}


def downloads():
    """The dictionary's sections: (title, the address, entries), one per download."""
    return [
        ("MoUs as CSV", "agreements:mou_csv", entries(MOU_CSV)),
        ("MoUs as JSON (each item of “mous”)", "agreements:mou_json", entries(MOU_JSON)),
        ("Commitments as CSV and JSON", "agreements:commitment_csv", entries(COMMITMENTS)),
        ("What every JSON download says first", "agreements:mou_json", entries(JSON_HEADER)),
    ]
