"""What a reader typed, made into a search both databases run the same way.

A query is a list of terms, all of which must match (``flipkart handloom assam``). A
term is a word, or a "quoted phrase" matched as a phrase; each term also matches its
equivalents from the curated vocabulary (``SearchTerm``: weavers also finds handloom and
हथकरघा). Only letters, digits and combining marks (the vowel signs of Devanagari) are
kept: every other character separates words, so nothing a reader types can reach the
database as syntax (no FTS5 ``NEAR``, ``*`` or ``title:``, no unbalanced quote), and
each backend quotes the words it is given. Queries are bounded: ``MAX_LENGTH``
characters and ``MAX_TERMS`` terms, and the query says what it left out.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

MAX_LENGTH = 200
MAX_TERMS = 12

# PostgreSQL's English stop words (Snowball): PostgreSQL ignores them, so both databases
# leave them out of a query; inside a quoted phrase they still count.
_STOPWORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Marks the search documents and highlights use; removed from every text indexed or
# searched, so data can never forge them.
START, STOP = "\ue000", "\ue001"
# Separates a list entry's display name from the other names it is found by.
ALIASES = "\x1f"

PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')


def is_word_character(char):
    """Letters, digits and combining marks: what both databases' tokenizers keep."""
    return unicodedata.category(char)[0] in "LNM"


def clean_text(text):
    """``text`` in NFC on one line, with control, format and private-use characters (our
    marks among them) made spaces, so stored and searched text agree and hold no marks."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    if text.isprintable():  # the usual case, checked in C
        return text
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") else c for c in text)


def words_of(text):
    """The words of ``text``: runs of word characters, lower-cased."""
    words, current = [], []
    for char in text:
        if is_word_character(char):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [word.casefold() for word in words]


def _fold_latin(word):
    """The word without accents on Latin letters (café: cafe); other scripts untouched
    (Devanagari's vowel signs are combining marks, and meaning)."""
    out = []
    for char in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(char) and out and out[-1] < "\u0250":
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _singular(word):
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def key(text):
    """How the vocabulary compares words: case, accents and a plural -s ignored, so
    "Weavers" finds the entry "weaver"."""
    return " ".join(_singular(_fold_latin(word)) for word in words_of(clean_text(text)))


@dataclass(frozen=True)
class Term:
    """One thing the reader searched for: ``words`` (a phrase when more than one), and
    the alternatives it matches, itself first."""

    words: tuple
    alternatives: tuple
    quoted: bool = False

    @property
    def text(self):
        return " ".join(self.words)

    @property
    def equivalents(self):
        """The vocabulary's additions, for "also searched for"."""
        return [" ".join(words) for words in self.alternatives[1:]]


@dataclass
class Query:
    """A parsed search: its terms and what was left out of what was typed."""

    typed: str
    terms: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    vocabulary: "Vocabulary | None" = None

    def __bool__(self):
        return bool(self.terms)

    @property
    def text(self):
        """The query as searched, quotes kept: "Searched for ..."."""
        return " ".join(f'"{t.text}"' if t.quoted else t.text for t in self.terms)

    @property
    def expansions(self):
        """``[(term, [equivalents])]`` for the terms the vocabulary widened."""
        return [(term.text, term.equivalents) for term in self.terms if term.equivalents]

    @property
    def words(self):
        return [word for term in self.terms for word in term.words]


class Vocabulary:
    """The curated equivalents, looked up by ``key()``: each entry's words, with every
    entry that shares one of them joined to it."""

    def __init__(self, groups=()):
        self.by_key = {}
        for group in groups:
            for word in group:
                self.by_key.setdefault(key(word), []).append(group)

    @classmethod
    def load(cls):
        """The vocabulary from the database: one query."""
        from ..models import SearchTerm

        return cls(term.words for term in SearchTerm.objects.all())

    def equivalents(self, words):
        """The word lists equivalent to ``words`` (its own excluded), in entry order."""
        own = key(" ".join(words))
        seen, found = {own}, []
        for group in self.by_key.get(own, []):
            for word in group:
                if key(word) not in seen and (alternative := tuple(words_of(clean_text(word)))):
                    seen.add(key(word))
                    found.append(alternative)
        return found

    @property
    def terms(self):
        """Every word of the vocabulary, for suggestions."""
        return sorted({word for groups in self.by_key.values() for g in groups for word in g})


def parse(typed, vocabulary=None):
    """The ``Query`` for what a reader typed; never raises, whatever the input."""
    text = clean_text(typed).strip()
    query = Query(typed=typed or "", vocabulary=vocabulary)
    if len(text) > MAX_LENGTH:
        cut = text[:MAX_LENGTH]
        text = cut.rsplit(None, 1)[0] if " " in cut.strip() else cut
        query.notes.append(
            gettext(
                "Your search was longer than %(max)s characters; only the first %(n)s "
                "were searched."
            )
            % {"max": MAX_LENGTH, "n": len(text)}
        )
    terms, seen, dropped = [], set(), 0
    for match in PHRASE_OR_WORD.finditer(text):
        quoted = match.group(1) is not None
        words = tuple(words_of(match.group(1) if quoted else match.group(2)))
        if not words or all(word in STOPWORDS for word in words):
            continue
        if words in seen:
            continue
        if len(terms) == MAX_TERMS:
            dropped += 1
            continue
        seen.add(words)
        alternatives = (words, *(vocabulary.equivalents(words) if vocabulary else ()))
        terms.append(Term(words=words, alternatives=alternatives, quoted=quoted and len(words) > 1))
    if dropped:
        query.notes.append(
            ngettext(
                "Only the first %(max)s words or phrases were searched; %(n)s more was left out.",
                "Only the first %(max)s words or phrases were searched; %(n)s more were left out.",
                dropped,
            )
            % {"max": MAX_TERMS, "n": dropped}
        )
    query.terms = terms
    if text and not terms:
        query.notes.append(
            gettext(
                "There is nothing to search for in that: only very common words, or no "
                "letters or digits."
            )
        )
    return query
