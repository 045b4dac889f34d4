"""Chinese full-text search over cases on PostgreSQL: a GIN index of character bigrams (二元分词).

Chinese has no spaces between words, so a word index does not fit and pg_trgm cannot index the two-character
words that most searches are ("噪音", "路灯"). Every pair of adjacent characters of the case's searchable
text becomes one lexeme of a tsvector; a search for "垃圾清运" asks for 垃圾 & 圾清 & 清运 through the index
and then checks the text really contains the phrase. The index is on an expression over the case's own
columns, so every write path (services, bulk loads, COPY) keeps it current with no signal or trigger.
SQLite (the embedded default) has no such index: it searches with LIKE (see queues/search.py).

The SQL here must stay identical to `huying/workbench/queues/search.py` (the planner matches the expression).
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION huying_case_doc(number text, title text, description text, address text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(regexp_replace(normalize(number || '|' || title || '|' || description || '|' || address || '|',
                                        NFKC), '\s+', '', 'g'))
$$;
-- The first 10,000 characters only: a tsvector is limited to 1 MB, and a case must never fail to save.
CREATE OR REPLACE FUNCTION huying_bigrams(doc text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
  SELECT array_to_tsvector(coalesce(array_agg(DISTINCT substr(doc, i, 2)), '{}'::text[]))
  FROM generate_series(1, least(char_length(doc), 10000) - 1) AS i
$$;
"""
# CONCURRENTLY: on a deployment with millions of cases the build takes minutes and must not block new cases.
INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS case_search_bigrams ON cases_case
USING gin (huying_bigrams(huying_case_doc(number, title, description, address)))
"""
DROP = """
DROP INDEX IF EXISTS case_search_bigrams;
DROP FUNCTION IF EXISTS huying_bigrams(text);
DROP FUNCTION IF EXISTS huying_case_doc(text, text, text, text);
"""


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)
        schema_editor.execute(INDEX, params=None)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
