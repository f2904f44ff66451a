-- A money check's source and target totals, as exact decimal strings ({"source": "...",
-- "target": "..."}): reports show the money verified without parsing the detail sentence.
ALTER TABLE ferry.validation_findings ADD COLUMN totals jsonb NOT NULL DEFAULT '{}';
