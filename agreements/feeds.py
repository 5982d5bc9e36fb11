"""
Atom feeds of newly published MoUs for any filtered list.

The feed takes the list page's query string (``/mous/feed.atom?party=flipkart&state=assam``),
so a reader can follow "Flipkart in Assam" in a feed reader. Entries are ordered
by ``Mou.published_at``, the moment an MoU first reached the public.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .filters import CommitmentFilter, MouFilter, filtered, refuse_bad_filters
from .models import Mou, MouVersion

FEED_LENGTH = 50


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``).

    Django's ``Atom1Feed`` marks every summary ``type="html"``, so a reader renders it
    as markup; the registry's summaries are the records' own text (imported, typed by
    staff), and an ``<img onerror=...>`` in one must reach the reader as those
    characters, never as an element. Titles are already text, Atom's default."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class FilteredFeed(Feed):
    """An Atom feed of any filtered public list, taking the list's query string; a
    filter it cannot apply is refused with a 400, never silently widened."""

    feed_type = PlainTextAtomFeed
    filterset_class = None
    list_url_name = ""
    what = ""  # "new MoUs", in the feed's language

    # One Feed instance serves every request: keep per-request state on the
    # filterset (its ``data`` is the query string), never on ``self``.
    def __call__(self, request, *args, **kwargs):
        refused = refuse_bad_filters(filtered(request, self.filterset_class))
        return refused or super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        return filtered(request, self.filterset_class)

    def title(self, filterset):
        topic = filterset.description
        name = settings.REGISTRY_NAME
        return f"{name}: {self.what} ({topic})" if topic else f"{name}: {self.what}"

    def link(self, filterset):
        """The list the feed follows: its filters, not the page or order it was found in."""
        list_url = reverse(self.list_url_name)
        query = filterset.query_without("page", "sort")
        return f"{list_url}?{query}" if query else list_url


class MouFeed(FilteredFeed):
    filterset_class = MouFilter
    list_url_name = "agreements:mou_list"
    what = _("new MoUs")

    def subtitle(self, filterset):
        return gettext(
            "E-commerce MoUs with Indian state governments, as newly added to the registry."
        )

    def items(self, filterset):
        """The newest records of the filtered list: three queries (MoUs, states, parties)."""
        return filterset.qs.order_by("-published_at", "-pk").prefetch_related("states", "parties")[
            :FEED_LENGTH
        ]

    def item_title(self, mou):
        return mou.title

    def item_description(self, mou):
        # The labels in the feed's language; the names as the records hold them.
        states = ", ".join(state.name for state in mou.states.all())
        parties = ", ".join(party.name for party in mou.parties.all())
        parts = [
            gettext("%(date)s.") % {"date": mou.date_display},
            gettext("Status: %(status)s.") % {"status": mou.get_current_status_display()},
            gettext("States: %(states)s.") % {"states": states},
            gettext("Parties: %(parties)s.") % {"parties": parties},
        ]
        if mou.summary:
            parts.append(mou.summary)
        return " ".join(parts)

    def item_pubdate(self, mou):
        return mou.published_at

    def item_updateddate(self, mou):
        return mou.updated_at

    def item_categories(self, mou):
        return [state.name for state in mou.states.all()]


class CommitmentFeed(FilteredFeed):
    """The promises of published MoUs, newest news first: a commitment moves to the top
    when a follow-up about it is recorded."""

    filterset_class = CommitmentFilter
    list_url_name = "agreements:commitment_list"
    what = _("commitments")

    def subtitle(self, filterset):
        return gettext("What marketplaces and state bodies committed to, and how each stands now.")

    def items(self, filterset):
        """One query: the commitments with their MoU and party, newest news first (read
        off ``commitment_news_idx``)."""
        return filterset.qs.for_list().order_by("-news_at", "-pk")[:FEED_LENGTH]

    def item_title(self, commitment):
        return f"{commitment.get_current_status_display()}: {commitment.description}"

    def item_link(self, commitment):
        return commitment.get_absolute_url()

    def item_description(self, commitment):
        title = commitment.mou.title
        if commitment.party:
            who = commitment.party.name
            parts = [gettext("%(who)s, under %(title)s.") % {"who": who, "title": title}]
        else:
            parts = [gettext("Not said who, under %(title)s.") % {"title": title}]
        if commitment.target_display:
            parts.append(gettext("Target: %(target)s.") % {"target": commitment.target_display})
        if commitment.is_overdue:
            parts.append(gettext("Overdue."))
        return " ".join(parts)

    def item_pubdate(self, commitment):
        return commitment.news_at


class ChangesFeed(Feed):
    """Every change to a published MoU's page, newest first: one entry per version."""

    feed_type = PlainTextAtomFeed

    def get_object(self, request, slug=None):
        return None

    def title(self, mou):
        return gettext("%(name)s: changes") % {"name": settings.REGISTRY_NAME}

    def link(self, mou):
        return reverse("agreements:changes")

    def subtitle(self, mou):
        return gettext("Each new version of an MoU's record: what changed, and why.")

    def versions(self, mou):
        return MouVersion.objects.public()

    def items(self, mou):
        """One query: the newest versions with their MoU."""
        return self.versions(mou).select_related("mou").defer("document")[:FEED_LENGTH]

    def item_title(self, version):
        return gettext("%(title)s: version %(number)s") % {
            "title": version.mou.title,
            "number": version.number,
        }

    def item_link(self, version):
        return reverse("agreements:mou_version", args=[version.mou.slug, version.number])

    def item_description(self, version):
        return " ".join([f"{version.get_kind_display()}: {version.note}", *version.changes])

    def item_pubdate(self, version):
        return version.created_at


class MouChangesFeed(ChangesFeed):
    """The changes to one MoU, for a reader following it."""

    def get_object(self, request, slug=None):
        return get_object_or_404(Mou.objects.published().only("title", "slug"), slug=slug)

    def title(self, mou):
        return gettext("%(name)s: changes to “%(title)s”") % {
            "name": settings.REGISTRY_NAME,
            "title": mou.title,
        }

    def link(self, mou):
        return reverse("agreements:mou_history", args=[mou.slug])

    def versions(self, mou):
        return MouVersion.objects.public().filter(mou=mou)
