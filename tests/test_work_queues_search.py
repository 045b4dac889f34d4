"""Searching the queues in Chinese (中文检索): words without spaces, parts of numbers and addresses."""

import pytest
from django.db import connection

from huying.cases.models import Case
from huying.workbench.queues import search
from huying.workbench.queues.paging import SORTS
from huying.workbench.queues.search import bigram_query, cases_matching, search_terms
from tests.test_work_queues import listed, queue


@pytest.fixture
def cases(cast, new_case):
    return {
        "noise": new_case(category=cast.noise, address="", description="楼下酒吧每晚噪音扰民到凌晨"),
        "rubbish": new_case(description="幸福里3号楼门口垃圾清运不及时"),
        "split": new_case(description="垃圾桶旁边有人清运了家具", address="东湖路８号"),
        "road": new_case(category=cast.noise, address="", description="Road works all night", title="Road noise"),
    }


def found(client, cast, q: str) -> set[str]:
    return set(listed(client, cast.command, "all", q=q))


def test_a_two_character_word_finds_the_case_that_contains_it(cast, cases, client):
    assert found(client, cast, "噪音") == {cases["noise"].number}


def test_a_phrase_must_appear_as_written_not_just_its_characters(cast, cases, client):
    # "split" holds 垃圾 and 清运 apart: it has the bigrams but not the phrase.
    assert found(client, cast, "垃圾清运") == {cases["rubbish"].number}
    assert found(client, cast, "垃圾") == {cases["rubbish"].number, cases["split"].number}


def test_every_term_of_a_query_must_match(cast, cases, client):
    assert found(client, cast, "垃圾 门口") == {cases["rubbish"].number}
    assert found(client, cast, "垃圾 噪音") == set()


def test_part_of_a_number_finds_the_case(cast, cases, client):
    number = cases["split"].number
    assert found(client, cast, number[-6:]) == {number}
    assert found(client, cast, number.lower()) == {number}
    assert found(client, cast, number[:10]) == {c.number for c in cases.values()}  # HY + the day: all four


def test_digits_search_the_number_not_the_text(cast, new_case, client):
    case = new_case(description="门牌号20260930的楼道灯坏了")
    assert found(client, cast, "20260930") == {case.number}  # its number holds the day too
    assert found(client, cast, "门牌号2026") == {case.number}  # with Chinese around it, a text term


@pytest.mark.parametrize(("term", "number"), [("000123", True), ("hy20260930", True), ("2026", True),
                                              ("123", False), ("3号楼", False), ("road", False)])
def test_what_counts_as_a_piece_of_a_number(term, number):
    assert search.number_like(term) is number


def test_the_address_is_searched(cast, cases, client):
    assert found(client, cast, "幸福里3号楼") >= {cases["rubbish"].number}
    assert found(client, cast, "东湖路８号") == {cases["split"].number}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares the text as stored")
def test_full_width_characters_match_half_width_ones(cast, cases, client):
    assert found(client, cast, "东湖路8号") == {cases["split"].number}  # stored as full-width ８


def test_a_single_character_is_enough(cast, cases, client):
    assert found(client, cast, "噪") == {cases["noise"].number}


def test_latin_text_is_matched_without_regard_to_case(cast, cases, client):
    assert found(client, cast, "ROAD") == {cases["road"].number}
    assert found(client, cast, "noise") == {cases["road"].number}


@pytest.mark.parametrize("q", ["it's", "a\\b", "'&|!:*()", "％", "   "])
def test_query_syntax_characters_are_plain_text(cast, cases, client, q):
    response = queue(client, cast.command, tab="all", q=q)
    assert response.status_code == 200


def test_search_combines_with_tab_and_scope(cast, cases, client):
    assert listed(client, cast.community_staff, "to_accept", q="垃圾") == [cases["rubbish"].number]
    assert listed(client, cast.command, "unassigned", q="垃圾") == [cases["split"].number]  # no place found
    assert listed(client, cast.outsider, "all", q="垃圾") == []  # the other street sees none of them


def test_the_bigram_query_quotes_every_lexeme():
    assert bigram_query("垃圾清运") == "'垃圾' & '圾清' & '清运'"
    assert bigram_query("噪") == "'噪':*"
    assert bigram_query("a'b") == "'a''' & '''b'"
    assert search_terms("  Ａ  b  a ") == ["a", "b"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_postgresql_searches_through_the_bigram_index(cast, cases):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = cases_matching(Case.objects.all(), "噪音").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_search_bigrams" in plan


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the two search plans are PostgreSQL's")


@postgres_only
def test_postgresql_finds_number_pieces_through_the_trigram_index(cast, cases):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # not a whole walk of the number's b-tree either
        sql, params = cases_matching(Case.objects.all(), "000123").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_number_trigrams" in plan


@postgres_only
@pytest.mark.parametrize("q", ["噪音", "垃圾清运", "垃圾", "噪", "垃圾 门口", "ROAD", "东湖路8号", "不存在的词"])
def test_the_walk_and_the_index_find_the_same_cases(cast, cases, q):
    def numbers(indexed: bool) -> set[str]:
        return set(cases_matching(Case.objects.all(), q, indexed=indexed).values_list("number", flat=True))

    assert numbers(indexed=False) == numbers(indexed=True)


@postgres_only
def test_a_walk_out_of_time_hands_over_to_the_index_and_the_timeout_is_put_back(cast, cases, monkeypatch):
    walked = []
    real_page_of = search.page_of

    def slow_walk(qs, *args, **kwargs):
        walked.append(qs)
        if len(walked) == 1:  # the walk: as slow as a rare word over a million cases
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(2)")
        return real_page_of(qs, *args, **kwargs)

    monkeypatch.setattr(search, "page_of", slow_walk)
    monkeypatch.setattr(search, "WALK_BUDGET_MS", 50)
    page = search.page_matching(Case.objects.all(), "垃圾清运", SORTS["created"], None)
    assert [c.number for c in page.cases] == [cases["rubbish"].number] and len(walked) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('work_mem')")
        assert cursor.fetchone() == ("0", "4MB")


@postgres_only
def test_words_made_of_the_most_common_bigrams_are_known_from_the_statistics(cast, new_case, monkeypatch):
    for i in range(30):
        new_case(description=f"幸福里{i}号楼垃圾没人清运")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    monkeypatch.setattr(search, "_common_cache", {})
    assert search._common("垃圾没人") and search._common("垃")
    assert not search._common("火星") and not search._common("垃圾火星")
