-- 0020: the IoT events' indexes, fewer (issue 9, docs/modules/iot.md).
-- Each event row is written with every index of iot_events, and an index
-- led by device or unit takes a page of its own per device or unit in each
-- ingest transaction; (unit_id, at) served no query.  A unit's events are
-- its devices' (iot_devices_unit), each read by (device_id, at); the
-- unique (device_id, dedup) and (device_id, at) stay.  unit_id stays a
-- column of the event (the unit the device belonged to when it was heard).
DROP INDEX iot_events_unit;
