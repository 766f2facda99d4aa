-- 0018: IoT remote monitoring (docs/modules/iot.md): devices bound to a
-- unit (GB/T 26875.3 user information transmission devices by their
-- source address, MQTT sensors by their device id), the components they
-- report, the events they send (raw telemetry, kept for a retention
-- period), fire alarms with their confirmation clock, and the device
-- conditions (persistent fault, low pressure, offline …) that open and
-- close automatic hazards.

-- A device.  source: for gb26875 the 48-bit source address as 12
-- upper-case hex digits, most significant first (the integer that
-- `firewarden gb26875 decode` prints, in hex); for mqtt the device id of
-- the topic fw/v1/devices/{device_id}/events.  town and grid_id are the
-- unit's, copied (they follow the unit when it moves).  thresholds: a JSON
-- object overriding the device kind's values of data/iot/rules.json.
-- online / last_seen_at are telemetry: they change without a new version
-- and are not part of the audited record.
CREATE TABLE iot_devices (
  id            BIGINT NOT NULL PRIMARY KEY,
  protocol      TEXT NOT NULL,          -- gb26875 | mqtt
  source        TEXT NOT NULL,
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  building_id   BIGINT REFERENCES buildings(id),
  town          TEXT NOT NULL,
  grid_id       BIGINT,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL,          -- uitd | water_pressure | electrical | smoke | …
  thresholds    TEXT NOT NULL,
  status        TEXT NOT NULL,          -- active | retired
  online        INTEGER NOT NULL DEFAULT 0,
  last_seen_at  BIGINT,
  retired_at    BIGINT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
-- One active device per address (IOT-001); a retired one frees it.
CREATE UNIQUE INDEX iot_devices_source ON iot_devices (protocol, source)
  WHERE status = 'active';
CREATE INDEX iot_devices_unit ON iot_devices (unit_id, status);
CREATE INDEX iot_devices_town ON iot_devices (town, status, kind);
CREATE INDEX iot_devices_grid ON iot_devices (grid_id, status);
-- The offline scan (IOT-009).
CREATE INDEX iot_devices_seen ON iot_devices (status, online, last_seen_at);

-- The systems and components a device has reported ("its detectors
-- appear as they report").  A system's own row has comp_addr -1.
CREATE TABLE iot_components (
  id            BIGINT NOT NULL PRIMARY KEY,
  device_id     BIGINT NOT NULL REFERENCES iot_devices(id),
  sys_type      INTEGER NOT NULL,
  sys_addr      INTEGER NOT NULL,
  comp_type     INTEGER NOT NULL,
  comp_addr     BIGINT NOT NULL,
  description   TEXT,
  last_kind     TEXT,
  last_state    INTEGER,
  first_seen_at BIGINT NOT NULL,
  last_seen_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX iot_components_key ON iot_components (device_id,
  sys_type, sys_addr, comp_addr);

-- Events: raw telemetry, compact, one row per information object (or
-- MQTT message).  Kept iot.retention days (default 400) and then deleted
-- by the job iot.retention: the one documented exception to "no row is
-- hard-deleted" (docs/modules/iot.md).  Events carry no audit entry of
-- their own; what they cause (alarms, automatic hazards) is audited.  No
-- foreign keys: an insert is one row and its indexes, nothing more.
-- at: receipt by the platform (s); device_at: the device's own time label
-- (s, Asia/Shanghai as sent), NULL when absent or invalid.  value is in
-- thousandths of the event's unit (kPa, mA, °C …).  dedup is unique per
-- device (IOT-004): a GB/T 26875.3 frame resent, an MQTT message
-- delivered twice.
CREATE TABLE iot_events (
  id            BIGINT NOT NULL PRIMARY KEY,
  device_id     BIGINT NOT NULL,
  unit_id       BIGINT NOT NULL,
  at            BIGINT NOT NULL,
  device_at     BIGINT,
  kind          TEXT NOT NULL,
  sys_type      INTEGER,
  sys_addr      INTEGER,
  comp_type     INTEGER,
  comp_addr     BIGINT,
  state         INTEGER,
  value         BIGINT,
  detail        TEXT,
  dedup         BIGINT NOT NULL
);
CREATE UNIQUE INDEX iot_events_dedup ON iot_events (device_id, dedup);
CREATE INDEX iot_events_device ON iot_events (device_id, at);
CREATE INDEX iot_events_unit ON iot_events (unit_id, at);

-- Fire alarms (IOT-005..007): open → confirmed_real | confirmed_false,
-- or escalated when the confirmation deadline passed (still
-- confirmable).  One open alarm per device and target: a detector that
-- keeps reporting adds repeats, not alarms.  rev orders changes for the
-- alarm board's cursor; repeats, last_at and rev are telemetry (not in
-- the audited record).
CREATE TABLE iot_alarms (
  id            BIGINT NOT NULL PRIMARY KEY,
  device_id     BIGINT NOT NULL REFERENCES iot_devices(id),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  building_id   BIGINT,
  town          TEXT NOT NULL,
  grid_id       BIGINT,
  event_id      BIGINT,
  target        TEXT NOT NULL,
  sys_type      INTEGER,
  sys_addr      INTEGER,
  comp_type     INTEGER,
  comp_addr     BIGINT,
  description   TEXT,
  raised_at     BIGINT NOT NULL,
  device_at     BIGINT,
  deadline_at   BIGINT NOT NULL,
  state         TEXT NOT NULL,          -- open | escalated | confirmed_real | confirmed_false
  escalated_at  BIGINT,
  confirmed_at  BIGINT,
  confirmed_by  TEXT,
  note          TEXT,
  repeats       INTEGER NOT NULL DEFAULT 0,
  last_at       BIGINT NOT NULL,
  rev           BIGINT NOT NULL,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX iot_alarms_open ON iot_alarms (device_id, target)
  WHERE state IN ('open', 'escalated');
CREATE INDEX iot_alarms_rev ON iot_alarms (rev);
CREATE INDEX iot_alarms_unit ON iot_alarms (unit_id, raised_at);
CREATE INDEX iot_alarms_town ON iot_alarms (town, state, raised_at);
CREATE INDEX iot_alarms_due ON iot_alarms (deadline_at) WHERE state = 'open';

-- Device conditions (IOT-008..012): a fault, a main-power fault, low
-- water pressure, leakage current or temperature over their limit, a
-- device offline.  pending (seen, not yet persistent) → hazard (an
-- automatic hazard opened, hazard_id) → restored (the device reports
-- normal again) → closed (the unit or an officer confirmed: the hazard is
-- closed); pending → cleared when it ends before it persisted.  Audited
-- from the moment a hazard exists.
CREATE TABLE iot_conditions (
  id            BIGINT NOT NULL PRIMARY KEY,
  device_id     BIGINT NOT NULL REFERENCES iot_devices(id),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  town          TEXT NOT NULL,
  grid_id       BIGINT,
  kind          TEXT NOT NULL,          -- fault | power | low_pressure | leakage | overheat | offline
  target        TEXT NOT NULL,
  sys_type      INTEGER,
  sys_addr      INTEGER,
  comp_type     INTEGER,
  comp_addr     BIGINT,
  description   TEXT,
  since_at      BIGINT NOT NULL,
  last_at       BIGINT NOT NULL,
  value         BIGINT,
  state         TEXT NOT NULL,          -- pending | hazard | restored | closed | cleared
  hazard_id     BIGINT REFERENCES hazards(id),
  restored_at   BIGINT,
  closed_at     BIGINT,
  closed_by     TEXT,
  note          TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX iot_conditions_open ON iot_conditions (device_id, kind,
  target) WHERE state IN ('pending', 'hazard', 'restored');
CREATE INDEX iot_conditions_pending ON iot_conditions (since_at)
  WHERE state = 'pending';
CREATE INDEX iot_conditions_unit ON iot_conditions (unit_id, since_at);
CREATE INDEX iot_conditions_town ON iot_conditions (town, state);
CREATE INDEX iot_conditions_hazard ON iot_conditions (hazard_id);

-- Addresses that sent frames but belong to no active device: counted,
-- and their latest frames kept (at most 50 each, 30 days) so that an
-- operator can see what the device is and register it (IOT-013).
CREATE TABLE iot_unknown (
  protocol      TEXT NOT NULL,
  source        TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL,
  last_seen_at  BIGINT NOT NULL,
  frames        BIGINT NOT NULL,
  PRIMARY KEY (protocol, source)
);
CREATE TABLE iot_unknown_frames (
  id            BIGINT NOT NULL PRIMARY KEY,
  protocol      TEXT NOT NULL,
  source        TEXT NOT NULL,
  at            BIGINT NOT NULL,
  kind          TEXT NOT NULL,
  detail        TEXT
);
CREATE INDEX iot_unknown_frames_source ON iot_unknown_frames (protocol,
  source, at);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'iot:read'),
  ('officer', 'iot:write'),
  ('town',    'iot:read'),
  ('town',    'iot:write'),
  ('leader',  'iot:read'),
  ('unit',    'iot:read'),
  ('unit',    'iot:confirm');
