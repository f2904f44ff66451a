"""The seeded functions every generation and mutation statement draws from (schema synthetic).

Randomness is a hash of (seed, label, row id) — never random() — so the same seed gives the
same rows whatever plan or parallelism the server picks. The seed and the run's knobs are baked
into the functions when a run starts, so the SQL files stay free of parameters.

Besides the generator's knobs (`n.<volume>`, `rate.<knob>`, `min.<knob>`), a mutation period
sets `floor.<volume>` (ids at or below are rows that existed before: shared statements leave
them alone and make new rows above), `clock` (the period's end, the cap of child times) and
`period.start` / `period.end` (new rows' times: `period_time`, `period_at`). Generation sets
none of them: floors are 0, the clock is the generator's fixed one and `period_time` is NULL,
so the shared statements make exactly the rows they always made.
"""

from __future__ import annotations

import json

import psycopg
from psycopg import sql

# Seeded uniform number in [0, 1) for (label, id): the label names the random stream, so adding a
# draw never shifts another. hashtext(label) and the seed fold into constants when planned.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION synthetic.r(label text, id bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (hashint8extended(id, hashint8extended({seed}::bigint, hashtext(label)::bigint))
            & 9007199254740991)::double precision / 9007199254740992.0
$$;
CREATE OR REPLACE FUNCTION synthetic.ri(label text, id bigint, n bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(synthetic.r(label, id) * n)::integer
$$;
CREATE OR REPLACE FUNCTION synthetic.rnorm(label text, id bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sqrt(-2.0 * ln(1.0 - synthetic.r(label || '.a', id)))
           * cos(2.0 * pi() * synthetic.r(label || '.b', id))
$$;
-- A junction's rows: `n` distinct (x, y) pairs of two id sets by a seeded shuffle of all pairs,
-- numbered in pair order; `self_pairs` false leaves out x = y (a template is not its own
-- predecessor).
CREATE OR REPLACE FUNCTION synthetic.pairs(label text, xs integer[], ys integer[], n bigint,
                                           self_pairs boolean)
RETURNS TABLE (pair_id bigint, first_id integer, second_id integer)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT row_number() OVER (ORDER BY c.x, c.y), c.x, c.y
    FROM (SELECT x, y FROM unnest(xs) AS x, unnest(ys) AS y
          WHERE self_pairs OR x <> y
          ORDER BY synthetic.r(label, x::bigint * 100000 + y), x, y
          LIMIT n) AS c
$$;
CREATE OR REPLACE FUNCTION synthetic.param(name text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (({values}::jsonb) ->> name)::double precision
$$;
CREATE OR REPLACE FUNCTION synthetic.n(name text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT synthetic.param('n.' || name)::bigint
$$;
CREATE OR REPLACE FUNCTION synthetic.quota(knob text, population bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT greatest(synthetic.param('min.' || knob),
                    round(synthetic.param('rate.' || knob) * population))::bigint
$$;
CREATE OR REPLACE FUNCTION synthetic.id_floor(name text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(synthetic.param('floor.' || name), 0)::bigint
$$;
CREATE OR REPLACE FUNCTION synthetic.population(name text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT synthetic.n(name) - synthetic.id_floor(name)
$$;
CREATE OR REPLACE FUNCTION synthetic.clock() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(to_timestamp(synthetic.param('clock')), timestamptz '2025-10-01')
$$;
CREATE OR REPLACE FUNCTION synthetic.period_at(u double precision) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_timestamp(synthetic.param('period.start')
                        + u * (synthetic.param('period.end') - synthetic.param('period.start')))
$$;
CREATE OR REPLACE FUNCTION synthetic.period_time(name text, id bigint) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT synthetic.period_at(greatest(0.0, least(1.0, (id - synthetic.id_floor(name) - 0.5)
                                                        / greatest(synthetic.population(name), 1))))
$$;
"""


def create_seeded_functions(conn: psycopg.Connection, seed: int, params: dict[str, float]) -> None:
    """(Re)create the random and parameter functions with this run's seed and knobs baked in."""
    values = sql.Literal(json.dumps(params, sort_keys=True))
    conn.execute(sql.SQL(_FUNCTIONS).format(seed=sql.Literal(seed), values=values))
