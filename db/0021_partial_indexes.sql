-- 0021: indexes without the rows no query looks up in them (issue 3,
-- docs/modules/registry.md "Indexes").  Every index a unit is in costs
-- its insert; a unit with no grid, no category or a person with no phone
-- or ID number is never found through these:
-- * units_grid_name serves grid-scoped lists (grid_id = ?), which imply
--   a grid;
-- * units_town_category serves the primary_category filter, which the
--   list query writes as primary_category = ? AND primary_category <>
--   'general' (a general unit is one with categories = 0, which the
--   name-led indexes cover);
-- * the people's phone and ID number are searched by equality.
-- Both databases use a partial index for a query whose WHERE implies the
-- index's.
DROP INDEX units_grid_name;
CREATE INDEX units_grid_name ON units (grid_id, name_key, id, categories,
  status) WHERE grid_id IS NOT NULL;
DROP INDEX units_town_category;
CREATE INDEX units_town_category ON units (town_code, primary_category,
  name_key, id) WHERE primary_category <> 'general';
DROP INDEX unit_contacts_phone;
CREATE INDEX unit_contacts_phone ON unit_contacts (phone_index)
  WHERE phone_index IS NOT NULL;
DROP INDEX unit_contacts_idno;
CREATE INDEX unit_contacts_idno ON unit_contacts (idno_index)
  WHERE idno_index IS NOT NULL;
