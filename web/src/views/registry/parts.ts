/*
 * The fields of a building and of a place, described once (as the
 * server's reg_building_fields / reg_place_fields are) so that one form
 * and one detail table serve both.
 */
import { BUILDING_USES, FIRE_RATINGS, PLACE_KINDS } from '@/api/registry'

export type PartKind = 'building' | 'place'

export interface PartField {
  key: string
  type: 'text' | 'int' | 'bool' | 'enum' | 'building'
  label: string
  required?: boolean
  max?: number
  /* Shown and entered in units of 1/scale of the stored value (height: m vs cm). */
  scale?: number
  options?: readonly string[]
  /* i18n prefix of the option labels ('' = the value itself). */
  optionKey?: string
}

export const BUILDING_FIELDS: PartField[] = [
  { key: 'name', type: 'text', label: 'units.building.name', required: true, max: 100 },
  { key: 'use', type: 'enum', label: 'units.building.use', required: true, options: BUILDING_USES, optionKey: 'units.building.uses' },
  { key: 'floors_above', type: 'int', label: 'units.building.floorsAbove', max: 200 },
  { key: 'floors_below', type: 'int', label: 'units.building.floorsBelow', max: 20 },
  { key: 'height_cm', type: 'int', label: 'units.building.height', max: 100000, scale: 100 },
  { key: 'floor_area_m2', type: 'int', label: 'units.building.area', max: 10000000 },
  { key: 'fire_resistance_rating', type: 'enum', label: 'units.building.rating', options: FIRE_RATINGS, optionKey: '' },
  { key: 'occupancy', type: 'int', label: 'units.building.occupancy', max: 1000000 },
  { key: 'has_control_room', type: 'bool', label: 'units.building.controlRoom' },
  { key: 'has_sprinklers', type: 'bool', label: 'units.building.sprinklers' },
  { key: 'has_auto_alarm', type: 'bool', label: 'units.building.autoAlarm' },
]

export const PLACE_FIELDS: PartField[] = [
  { key: 'name', type: 'text', label: 'units.place.name', required: true, max: 100 },
  { key: 'kind', type: 'enum', label: 'units.place.kind', required: true, options: PLACE_KINDS, optionKey: 'units.place.kinds' },
  { key: 'building_id', type: 'building', label: 'units.place.building' },
  { key: 'floor_area_m2', type: 'int', label: 'units.place.area', max: 10000000 },
  { key: 'rooms', type: 'int', label: 'units.place.rooms', max: 100000 },
  { key: 'beds', type: 'int', label: 'units.place.beds', max: 100000 },
  { key: 'seats', type: 'int', label: 'units.place.seats', max: 1000000 },
  { key: 'occupancy', type: 'int', label: 'units.place.occupancy', max: 1000000 },
  { key: 'underground', type: 'bool', label: 'units.place.underground' },
]

export function partFields(kind: PartKind): PartField[] {
  return kind === 'building' ? BUILDING_FIELDS : PLACE_FIELDS
}

export type PartModel = Record<string, string | number | boolean | null | undefined>

/* Record -> form model (scaled numbers). */
export function partToModel(fields: PartField[], rec: Record<string, unknown> | null): PartModel {
  const m: PartModel = {}
  for (const f of fields) {
    const v = rec ? rec[f.key] : undefined
    if (f.type === 'int')
      m[f.key] = typeof v === 'number' ? (f.scale ? v / f.scale : v) : undefined
    else if (f.type === 'bool')
      m[f.key] = v === true
    else
      m[f.key] = typeof v === 'string' ? v : ''
  }
  return m
}

/* Form model -> request body; on edit only what differs from rec. */
export function partBody(fields: PartField[], m: PartModel, rec: Record<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    let v: unknown = m[f.key]
    if (f.type === 'int')
      v = v === undefined || v === null || v === '' ? null : Math.round(Number(v) * (f.scale ?? 1))
    else if (f.type === 'text' || f.type === 'enum' || f.type === 'building')
      v = typeof v === 'string' && v.trim() !== '' ? v.trim() : null
    /* An unset flag reads as false: do not send false for a null. */
    const old = rec ? (f.type === 'bool' ? rec[f.key] === true : (rec[f.key] ?? null)) : null
    if (rec ? v !== old : v !== null && v !== false)
      out[f.key] = v
  }
  return out
}
