"""Full-text search over cases that works for Chinese (中文检索): number, title, description and address.

The query is split on spaces into terms; a case matches when it contains every term. A term that is a piece of
a case number (digits, perhaps after the prefix's letters: "000123", "HY20260930") is looked up in the number
alone, through a trigram index on PostgreSQL (migration 0002). Every other term can go through the GIN index of
character bigrams (migration 0001): "垃圾清运" asks the index for 垃圾 & 圾清 & 清运, and the candidates are then
checked to contain the term itself (the index does not know the bigrams are adjacent); a one-character term is
a prefix match on the bigrams. Common words are found faster without the index: see page_matching. On SQLite
(the embedded default, a district's tens of thousands of cases) each term is a LIKE over the four columns.

PostgreSQL compares NFKC-normalised lower-case text without spaces on both sides: "3号楼" finds a case that
says "３号楼", and "幸福里" one that says "幸福 里". SQLite compares the stored text with the term as typed and
as normalised (ASCII letters ignore case), so there a half-width query misses full-width text.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import StrIndex

from huying.cases.models import Case
from huying.lib.text import normalise
from huying.workbench.queues.paging import Page, Sort, page_of

MAX_TERMS = 5
# How long the walk along an ordered index may look for a page of matches before the bigram index takes over.
WALK_BUDGET_MS = 100
WALK_BUDGET_COMMON_MS = 2000
COMMON_BIGRAMS_TTL = 600  # seconds between reads of the planner's statistics
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout
NUMBER_PART = re.compile(r"[a-z]{0,4}[0-9]{4,}")
FIELDS = ("number", "title", "description", "address")


class CaseDoc(Func):
    """huying_case_doc(number, title, description, address): the normalised searchable text of a case."""

    function = "huying_case_doc"
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(*(F(name) for name in FIELDS))


class BigramsMatch(Func):
    """huying_bigrams(doc) @@ CAST(query AS tsquery): written exactly as the index expression is."""

    template = "huying_bigrams(%(expressions)s AS tsquery)"
    arg_joiner = ") @@ CAST("
    output_field = BooleanField()


def number_like(term: str) -> bool:
    """A piece of a case number ("000123", "hy20260930"): searched in the number, through its trigram index."""
    return NUMBER_PART.fullmatch(term) is not None


def search_terms(text: str) -> list[str]:
    """The normalised terms of a query; repeats dropped, at most MAX_TERMS."""
    terms = [normalise(part) for part in (text or "").split()]
    return list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]


def bigram_query(term: str) -> str:
    """The tsquery (text form) that a document containing `term` must satisfy."""
    if len(term) == 1:
        return f"{_lexeme(term)}:*"  # every character starts some bigram: the document ends with "|"
    pairs = dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1))
    return " & ".join(_lexeme(pair) for pair in pairs)


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def cases_matching(qs: QuerySet[Case], text: str, *, indexed: bool = True) -> QuerySet[Case]:
    """The cases of `qs` that contain every term of `text`.

    On PostgreSQL, `indexed` picks the plan: through the bigram index (right when few cases match), or a plain
    check of each row a walk along an ordered index reaches anyway (right when many match: see page_matching).
    """
    terms = search_terms(text)
    for term in filter(number_like, terms):
        # Numbers are stored upper case ("HY…"); SQLite's LIKE ignores case anyway.
        qs = qs.filter(number__contains=term.upper())
    terms = [term for term in terms if not number_like(term)]
    if not terms:
        return qs
    if connection.vendor != "postgresql":
        typed = {normalise(part): part for part in (text or "").split()}
        for term in terms:
            variants = {term, typed.get(term, term)}  # SQLite cannot normalise the stored text: try both forms
            qs = qs.filter(Q(*(Q(**{f"{name}__icontains": v}) for name in FIELDS for v in variants),
                             _connector=Q.OR))
        return qs
    doc = CaseDoc()
    if indexed:
        qs = qs.filter(BigramsMatch(doc, Value(" & ".join(f"({bigram_query(term)})" for term in terms))))
    for i, term in enumerate(terms):
        if indexed and len(term) <= 2:
            continue  # the bigram index answers a one- or two-character term exactly
        qs = qs.alias(**{f"_hit{i}": StrIndex(doc, Value(term))}).filter(**{f"_hit{i}__gt": 0})
    return qs


def page_matching(qs: QuerySet[Case], text: str, sort: Sort, cursor: str | None) -> Page:
    """One page of the cases of `qs` matching `text`, in `sort` order after `cursor`.

    On PostgreSQL no single plan is fast for every word. A common word ("垃圾", in a tenth of all cases) has its
    newest fifty matches among the newest few thousand cases: walking the created_at index and checking each
    row stops within milliseconds, while the bigram index would fetch and sort a hundred thousand rows. A rare
    word is the opposite. The planner cannot tell them apart (it multiplies the bigrams' frequencies as if they
    were independent), so the walk is tried first with a time budget, and the index answers when it runs out.
    """
    terms = search_terms(text)
    if connection.vendor != "postgresql" or all(number_like(t) for t in terms):
        return page_of(cases_matching(qs, text), sort, cursor)
    # A word whose every bigram is among the most common ones is surely walked faster: give it time, because
    # the index would have to fetch a tenth of the table (seconds) if a busy moment made the walk run out.
    budget = WALK_BUDGET_COMMON_MS if any(_common(term) for term in terms) else WALK_BUDGET_MS
    try:
        with _local_settings(statement_timeout=f"{budget}ms"), transaction.atomic():
            # The inner atomic is a savepoint: the cancelled walk must not abort the caller's transaction.
            return page_of(cases_matching(qs, text, indexed=False), sort, cursor)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != QUERY_CANCELED:
            raise
    with _local_settings(work_mem="64MB"):  # an exact bitmap: no lossy pages whose rows need their bigrams again
        return page_of(cases_matching(qs, text), sort, cursor)


def _common(term: str) -> bool:
    pairs = {term[i : i + 2] for i in range(len(term) - 1)} or {term}
    common = _common_bigrams()
    return all(pair in common for pair in pairs) if len(term) > 1 else any(c.startswith(term) for c in common)


_common_cache: dict[str, tuple[float, frozenset[str]]] = {}


def _common_bigrams() -> frozenset[str]:
    """The most common bigrams as ANALYZE last counted them (pg_stats of the index expression), kept a while."""
    now = time.monotonic()
    cached = _common_cache.get(connection.alias)
    if cached is None or now - cached[0] > COMMON_BIGRAMS_TTL:
        with connection.cursor() as cursor:
            cursor.execute("SELECT most_common_elems::text::text[] FROM pg_stats WHERE tablename = %s",
                           ["case_search_bigrams"])
            row = cursor.fetchone()
        cached = _common_cache[connection.alias] = (now, frozenset(row[0] or ()) if row else frozenset())
    return cached[1]


@contextmanager
def _local_settings(**values: str) -> Iterator[None]:
    """PostgreSQL settings for the statements inside, put back afterwards even inside a longer transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(values)), list(values))
            before = dict(zip(values, cursor.fetchone(), strict=True))
        for name, value in values.items():
            _set_local(name, value)
        try:
            yield
        finally:
            for name, value in before.items():
                _set_local(name, value)


def _set_local(name: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
