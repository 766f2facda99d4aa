// A world for the API tests of enforcement cases (docs/modules/enforce.md):
// a server with a leader (officer:manage, case:approve), two certified
// officers of town A, a certified officer of town B, a legal reviewer, a
// unit of town A with its own account, and helpers to open cases.
// Imported by every cases*.test.mjs; the signatures stay stable.
import assert from 'node:assert/strict';
import { Server } from './lib.mjs';

export const TOWN_A = '441900003';   // 东城街道
export const TOWN_B = '441900121';   // 虎门镇
export const im = (v) => ({ 'If-Match': `"${v}"` });
// Today in Asia/Shanghai, and a day n days from it.
export const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
export const dayPlus = (n, from = today()) => new Date(Date.parse(`${from}T12:00:00Z`) + n * 864e5).toISOString().slice(0, 10);

// A valid unified social credit code (GB 32100) different for each k.
export function uscc(k) {
  const C = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const org = String(10000000 + k).slice(-8);
  const ow = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(org[i]) * ow[i];
  const oc = 11 - (s % 11);
  const body = `91441900${org}${oc === 10 ? 'X' : oc === 11 ? '0' : String(oc)}`;
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  s = 0;
  for (let i = 0; i < 17; i++) s += C.indexOf(body[i]) * w[i];
  return body + C[(31 - (s % 31)) % 31];
}

// A valid 18-digit ID card number (GB 11643) born on birth (YYYYMMDD).
export function idcard(seq = 123, birth = '19850315', area = '441900') {
  const body = `${area}${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i];
  return body + '10X98765432'[s % 11];
}

let unitSeq = 0;

// A unit of town (registered by the client c, an officer of that town).
export async function addUnit(c, town = TOWN_A, name) {
  unitSeq++;
  const r = await c.post('/api/v1/units', { name: name || `示例消防执法单位${unitSeq}有限公司`,
    address: '东莞市示例路8号', town, uscc: uscc(5000 + unitSeq + Math.floor(Math.random() * 1e5)) });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

// An enforcement certificate for user id, recorded by the leader.
export async function certify(leader, userId, over = {}) {
  const r = await leader.post('/api/v1/officer-certs', { user_id: userId,
    cert_no: `44190${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 20),
    issued_on: dayPlus(-365), valid_to: dayPlus(365), ...over });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

// The world: { srv, leader, officers: [a, b], legal, unit, town, townB,
// officerB, unitUser, certs: [ca, cb, cB] }.  Clients are lib.mjs
// clients (c.user.id is the user's id).  opts.server: extra serve
// arguments; opts.noCerts: officers without certificates.
export async function caseWorld(opts = {}) {
  const srv = new Server();
  await srv.start(opts.server || []);
  srv.addUser('cw.leader', 'leader', 'city');
  srv.addUser('cw.off.a', 'officer', `town:${TOWN_A}`);
  srv.addUser('cw.off.b', 'officer', `town:${TOWN_A}`);
  srv.addUser('cw.off.c', 'officer', `town:${TOWN_B}`);
  srv.addUser('cw.legal', 'legal', 'city');
  const [leader, a, b, officerB, legal] = await Promise.all(
    ['cw.leader', 'cw.off.a', 'cw.off.b', 'cw.off.c', 'cw.legal'].map((l) => srv.login(l)));
  const unit = await addUnit(a, TOWN_A);
  srv.addUser('cw.unit', 'unit', `unit:${unit.id}`);
  const unitUser = await srv.login('cw.unit');
  const certs = [];
  if (!opts.noCerts) {
    for (const c of [a, b, officerB]) certs.push(await certify(leader, c.user.id));
  }
  return { srv, leader, officers: [a, b], legal, unit, town: TOWN_A, townB: TOWN_B, officerB, unitUser, certs };
}

// The body of a general-procedure case of the world's unit, opened on
// the spot by both officers; over replaces any key.
export function caseBody(world, over = {}) {
  const [a, b] = world.officers;
  return {
    procedure: 'general', source: 'on_spot', party_type: 'unit', unit_id: world.unit.id,
    facts: '现场检查发现消防设施未保持完好有效', found_on: today(),
    officers: [{ user_id: a.user.id, role: 'lead' }, { user_id: b.user.id, role: 'assist' }],
    ...over,
  };
}

// Open a case (caseBody merged with body) as the first officer (or
// opts.as); the created case (its data, with version), else it throws.
export async function newCase(world, body = {}, opts = {}) {
  const c = opts.as || world.officers[0];
  const r = await c.post('/api/v1/cases', caseBody(world, body));
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

// A violation body: FPL-60-1 (unit, 5 000–50 000 yuan), general tier.
export function violation(over = {}) {
  return { item: 'FPL-60-1', tier: 'general', facts: '灭火器压力不足', amount: 20000, ...over };
}
