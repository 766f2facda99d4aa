-- 0007: what market supervision registers about a unit besides its
-- business address (REG-032): the registered address (住所) and the date
-- of establishment (成立日期, YYYY-MM-DD).  Both optional: units entered
-- by hand, rental houses and three-small places often have neither.
ALTER TABLE units ADD COLUMN registered_address TEXT;
ALTER TABLE units ADD COLUMN registered_on TEXT;
