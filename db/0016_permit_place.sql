-- 0016: an application names the registry's place it is for (issue 7:
-- "place"), when the place is registered: one of the unit's active
-- places (PRM-018).
ALTER TABLE permits ADD COLUMN place_id BIGINT REFERENCES places(id);
CREATE INDEX permits_place ON permits (place_id);
