"""
Atom feeds of newly published MoUs for any filtered list.

The feed takes the list page's query string (``/mous/feed.atom?party=flipkart&state=assam``),
so a reader can follow "Flipkart in Assam" in a feed reader. Entries are ordered
by ``Mou.published_at``, the moment an MoU first reached the public.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import filtered_mous, refuse_bad_filters

FEED_LENGTH = 50


class MouFeed(Feed):
    feed_type = Atom1Feed

    # One Feed instance serves every request: keep per-request state on the
    # filterset (its ``data`` is the query string), never on ``self``.
    def __call__(self, request, *args, **kwargs):
        refused = refuse_bad_filters(filtered_mous(request))
        return refused or super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        return filtered_mous(request)

    def title(self, filterset):
        topic = filterset.description
        name = settings.REGISTRY_NAME
        return f"{name}: new MoUs ({topic})" if topic else f"{name}: new MoUs"

    def subtitle(self, filterset):
        return "E-commerce MoUs with Indian state governments, as newly added to the registry."

    def link(self, filterset):
        """The list the feed follows: its filters, not the page or order it was found in."""
        list_url = reverse("agreements:mou_list")
        query = filterset.query_without("page", "sort")
        return f"{list_url}?{query}" if query else list_url

    def items(self, filterset):
        """The newest records of the filtered list: three queries (MoUs, states, parties)."""
        return filterset.qs.order_by("-published_at", "-pk").prefetch_related("states", "parties")[
            :FEED_LENGTH
        ]

    def item_title(self, mou):
        return mou.title

    def item_description(self, mou):
        parts = [
            f"{mou.date_display}.",
            f"Status: {mou.get_current_status_display()}.",
            "States: " + ", ".join(state.name for state in mou.states.all()) + ".",
            "Parties: " + ", ".join(party.name for party in mou.parties.all()) + ".",
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
