"""The nursery's two databases, created by the test itself.

Source: plots (integer key, a parent plot that may carry a higher number than the plot it
contains), species (a text key: the nursery's code), plantings (a junction of species and plots
keyed by the pair, text and integer) whose price is text. Target: plots keyed by `plot_key`
(not `id`), species and plantings keyed by `id`, prices as numeric.
"""

from __future__ import annotations

import psycopg

SOURCE_DDL = """
CREATE TABLE plot (plot_no integer PRIMARY KEY, parent_no integer REFERENCES plot,
    name text NOT NULL);
CREATE TABLE species (code text PRIMARY KEY, latin_name text NOT NULL);
CREATE TABLE planting (species_code text REFERENCES species, plot_no integer REFERENCES plot,
    planted_on date, price text, PRIMARY KEY (species_code, plot_no));
"""

# Plots 10-12 are the fields; 1-9 the beds in them, numbered before their field; field 10
# lies in field 12 (a parent sorting after its child twice over).
SOURCE_ROWS = """
INSERT INTO plot VALUES (12, NULL, 'north field'), (11, NULL, 'south field'),
    (10, 12, 'orchard');
INSERT INTO plot SELECT g, 10 + g % 3, 'bed ' || g FROM generate_series(1, 9) g;
INSERT INTO species VALUES ('ROS-CAN', 'Rosa canina'), ('MAL-DOM', 'Malus domestica'),
    ('LAV-ANG', 'Lavandula angustifolia'), ('SAL-OFF', 'Salvia officinalis'),
    ('THY-VUL', 'Thymus vulgaris');
INSERT INTO planting
SELECT s.code, p.plot_no, date '2025-03-01' + p.plot_no,
    to_char(1.25 * p.plot_no + length(s.code), 'FM990.00')
FROM species s CROSS JOIN plot p WHERE (p.plot_no + length(s.latin_name)) % 2 = 0;
-- a price nobody can read: its planting is quarantined, never lost
UPDATE planting SET price = 'twelve' WHERE species_code = 'THY-VUL'
    AND plot_no = (SELECT min(plot_no) FROM planting WHERE species_code = 'THY-VUL');
"""

TARGET_DDL = """
CREATE TABLE plots (plot_key uuid PRIMARY KEY, parent_key uuid REFERENCES plots (plot_key),
    name text NOT NULL, plot_no integer UNIQUE);
CREATE TABLE species (id uuid PRIMARY KEY, code text NOT NULL UNIQUE, latin_name text NOT NULL);
CREATE TABLE plantings (id uuid PRIMARY KEY,
    species_id uuid NOT NULL REFERENCES species (id),
    plot_key uuid NOT NULL REFERENCES plots (plot_key),
    planted_on date, price numeric(8, 2) NOT NULL);
"""


def install(source_url: str, target_url: str) -> None:
    """Create both schemas and fill the source."""
    with psycopg.connect(source_url) as conn:
        conn.execute(SOURCE_DDL)
        conn.execute(SOURCE_ROWS)
    with psycopg.connect(target_url) as conn:
        conn.execute(TARGET_DDL)
