// Operational endpoints, response headers (I-4), the error envelope and
// the OpenAPI document (Z-1, DESIGN.md "HTTP API conventions").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { Server, assertError } from './lib.mjs';

let srv;
let admin;

before(async () => {
  srv = new Server();
  // A small web root, and a file beside it that must stay unreachable.
  mkdirSync(`${srv.dir}/web/assets`, { recursive: true });
  writeFileSync(`${srv.dir}/web/index.html`, '<!doctype html><title>Firewarden</title>');
  writeFileSync(`${srv.dir}/web/app.js`, 'console.log(1);');
  writeFileSync(`${srv.dir}/web/assets/app-1a2b.js`, 'console.log(2);');
  writeFileSync(`${srv.dir}/secret.txt`, 'outside the web root');
  await srv.start(['--web', `${srv.dir}/web`]);
  srv.addUser('ops.admin', 'sysadmin');
  admin = await srv.login('ops.admin');
});
after(async () => { await srv?.close(); });

test('healthz answers 200', async () => {
  const r = await fetch(`${srv.base}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
});

test('readyz answers 200 once migrated', async () => {
  const r = await fetch(`${srv.base}/readyz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ready' });
});

test('metrics from loopback is Prometheus text with the expected series', async () => {
  await admin.get('/api/v1/me');
  await admin.get('/api/v1/users/1');
  const r = await fetch(`${srv.base}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const t = await r.text();
  assert.match(t, /^# TYPE firewarden_http_requests_total counter$/m);
  assert.match(t, /^firewarden_http_requests_total\{method="GET",route="\/api\/v1\/me",status="200"\} [1-9]\d*$/m);
  assert.match(t, /^firewarden_http_requests_total\{method="GET",route="\/api\/v1\/users\/\{id\}",status="404"\} 1$/m);
  assert.match(t, /^# TYPE firewarden_http_request_duration_seconds histogram$/m);
  assert.match(t, /^firewarden_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
  assert.match(t, /^firewarden_http_request_duration_seconds_sum [\d.]+$/m);
  assert.match(t, /^firewarden_http_request_duration_seconds_count \d+$/m);
  assert.match(t, /^# TYPE firewarden_db_connections gauge$/m);
  assert.match(t, /^firewarden_db_connections \d+$/m);
  assert.match(t, /^# TYPE firewarden_audit_tree_size gauge$/m);
  assert.match(t, /^firewarden_audit_tree_size [1-9]\d*$/m);
  // Histogram buckets are cumulative and end at the count.
  const buckets = [...t.matchAll(/_bucket\{le="([^"]+)"\} (\d+)/g)].map((m) => Number(m[2]));
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] >= buckets[i - 1]);
  const count = Number(/_duration_seconds_count (\d+)/.exec(t)[1]);
  assert.equal(buckets.at(-1), count);
  // Every non-comment line is "name{labels} value" or "name value".
  for (const line of t.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.match(line, /^[a-z_]+(\{([a-z_]+="(?:[^"\\\n]|\\.)*",?)*\})? [0-9.e+-]+$/, line);
  }
});

// I-4 on every kind of response.
function assertSecurityHeaders(r, api, what) {
  const h = r.headers;
  assert.equal(h.get('x-content-type-options'), 'nosniff', what);
  assert.equal(h.get('referrer-policy'), 'no-referrer', what);
  const csp = h.get('content-security-policy') || '';
  const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => { const [k, ...v] = d.split(/\s+/); return [k, v.join(' ')]; }));
  assert.equal(dirs['default-src'], "'self'", `${what}: ${csp}`);
  assert.equal(dirs['frame-ancestors'], "'none'", `${what}: ${csp}`);
  assert.equal(dirs['object-src'], "'none'", `${what}: ${csp}`);
  if (api) assert.equal(h.get('cache-control'), 'no-store', what);
  // No version banner (I-4).
  assert.equal(h.get('server'), null, `${what}: Server header ${h.get('server')}`);
  assert.equal(h.get('x-powered-by'), null, what);
  for (const [k, v] of h) assert.ok(!/microhttpd|MHD/i.test(`${k}: ${v}`), `${what}: banner ${k}: ${v}`);
}

test('I-4 security headers on every kind of response', async () => {
  const cases = [
    ['API success', () => admin.get('/api/v1/me'), 200, true],
    ['API public success', () => admin.get('/api/v1/openapi.json'), 200, true],
    ['API write success', () => admin.post('/api/v1/users', { login: 'x', display_name: 'x', roles: ['officer'], password: 'x' }), 400, true],
    ['API error 401', () => fetch(`${srv.base}/api/v1/me`), 401, true],
    ['API error 404', () => fetch(`${srv.base}/api/v1/no/such/route`), 404, true],
    ['API error 405', () => fetch(`${srv.base}/api/v1/me`, { method: 'PUT' }), 405, true],
    ['static 404', () => fetch(`${srv.base}/no-such-file.js`), 404, false],
    ['static index', () => fetch(`${srv.base}/`), 200, false],
    ['static console route', () => fetch(`${srv.base}/users/123`), 200, false],
    ['static asset', () => fetch(`${srv.base}/assets/app-1a2b.js`), 200, false],
    ['static 405', () => fetch(`${srv.base}/index.html`, { method: 'POST' }), 405, false],
    ['healthz', () => fetch(`${srv.base}/healthz`), 200, true],
    ['readyz', () => fetch(`${srv.base}/readyz`), 200, true],
    ['metrics', () => fetch(`${srv.base}/metrics`), 200, true],
  ];
  for (const [what, f, status, api] of cases) {
    const r = await f();
    assert.equal(r.status, status, what);
    assertSecurityHeaders(r, api, what);
  }
});

test('Cache-Control no-store on every /api response', async () => {
  for (const p of ['/api/v1/public/audit/sth', '/api/v1/public/audit/keys', '/api/v1/users', '/api/v1/roles/sysadmin']) {
    const r = await admin.get(p);
    assert.equal(r.headers.get('cache-control'), 'no-store', p);
  }
});

test('error envelope with X-Request-Id on 4xx', async () => {
  const anon = srv.client();
  assertError(assert, await anon.get('/api/v1/nope'), 404, 'not_found');
  assertError(assert, await anon.get('/api/v1/users/1/nope/deeper'), 404, 'not_found');
  assertError(assert, await anon.get('/api/v2/users'), 404, 'not_found');
  assertError(assert, await anon.req('DELETE', '/api/v1/openapi.json'), 405, 'method_not_allowed');
  assertError(assert, await anon.req('PUT', '/api/v1/users'), 405, 'method_not_allowed');
  assertError(assert, await anon.get('/api/v1/auth/login'), 405, 'method_not_allowed');
  assertError(assert, await anon.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(assert, await anon.get('/api/v1/public/audit/consistency'), 400, 'missing', 'first');
  assertError(assert, await anon.get('/api/v1/public/audit/consistency?first=1&second=x'), 400, 'invalid', 'second');
  assertError(assert, await anon.get('/api/v1/public/audit/sth?size=999999'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/users/123'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/users/abc'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/audit/search'), 403, 'forbidden');
  assertError(assert, await admin.get('/api/v1/users?sort=password_hash'), 400, 'invalid', 'sort');
  assertError(assert, await admin.get('/api/v1/users?limit=0'), 400, 'invalid', 'limit');
  // Request ids differ between requests.
  const a = await anon.get('/api/v1/nope');
  const b = await anon.get('/api/v1/nope');
  assert.notEqual(a.body.request_id, b.body.request_id);
});

test('successful API responses carry an X-Request-Id too', async () => {
  const r = await admin.get('/api/v1/me');
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]+$/);
  assert.ok('data' in r.body);
});

test('Z-1 every OpenAPI operation declares x-permission', async () => {
  const r = await srv.client().get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const ops = [];
  for (const [p, item] of Object.entries(r.body.paths)) {
    for (const [m, op] of Object.entries(item)) ops.push([m, p, op]);
  }
  assert.ok(ops.length >= 20, `only ${ops.length} operations`);
  for (const [m, p, op] of ops) {
    const perm = op['x-permission'];
    assert.equal(typeof perm, 'string', `${m} ${p}`);
    assert.ok(perm === 'public' || perm === 'login' || /^[a-z]+:[a-z]+$/.test(perm), `${m} ${p}: ${perm}`);
    // Public routes live under /api/v1/public (plus the document and login).
    if (perm === 'public') {
      assert.ok(p.startsWith('/api/v1/public/') || p === '/api/v1/openapi.json' || p === '/api/v1/auth/login' ||
        p === '/api/v1/payments/callback', `${m} ${p} is public`);
    }
  }
});

test('OpenAPI document is a valid-looking OpenAPI 3.1 document', async () => {
  const r = await srv.client().get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const doc = r.body;
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  assert.equal(typeof doc.paths, 'object');
  const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  const opIds = new Set();
  const seen = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    assert.ok(p.startsWith('/api/v1/'), p);
    const templ = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [m, op] of Object.entries(item)) {
      assert.ok(methods.has(m), `${p}: ${m}`);
      seen.push(`${m.toUpperCase()} ${p}`);
      assert.equal(typeof op.operationId, 'string');
      assert.ok(!opIds.has(op.operationId), `duplicate operationId ${op.operationId}`);
      opIds.add(op.operationId);
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${m} ${p} responses`);
      for (const resp of Object.values(op.responses)) assert.equal(typeof resp.description, 'string');
      // Every template variable is a required path parameter, and only those.
      const pp = (op.parameters || []).filter((x) => x.in === 'path');
      assert.deepEqual(pp.map((x) => x.name).sort(), [...templ].sort(), `${m} ${p}`);
      for (const x of pp) assert.equal(x.required, true);
      const media = Object.keys(op.requestBody?.content || {});
      const raw = media.length > 0 && media.every((t) => op.requestBody.content[t].schema?.type === 'string');
      if (op.requestBody && (raw || !media.includes('application/json'))) {
        // Raw bodies: the unit import's CSV file (ROUTE_CSV), uploads
        // (ROUTE_RAW) in each of their media types.
        assert.ok(m !== 'get', `${p}: GET with a body`);
        assert.ok(media.length > 0, `${m} ${p}`);
        for (const t of media) assert.equal(op.requestBody.content[t].schema?.type, 'string', `${m} ${p} ${t}`);
      } else if (op.requestBody) {
        assert.ok(m !== 'get', `${p}: GET with a body`);
        const s = op.requestBody.content?.['application/json']?.schema;
        assert.equal(s?.type, 'object', `${m} ${p}`);
        assert.equal(s.additionalProperties, false, `${m} ${p}: unknown fields are rejected (I-1)`);
        for (const k of s.required || []) assert.ok(k in s.properties, `${m} ${p}: required ${k}`);
      }
    }
  }
  for (const must of ['POST /api/v1/auth/login', 'GET /api/v1/me', 'GET /api/v1/users',
    'POST /api/v1/users', 'PATCH /api/v1/users/{id}', 'GET /api/v1/public/audit/sth',
    'GET /api/v1/audit/entries', 'POST /api/v1/audit/sth', 'GET /api/v1/openapi.json']) {
    assert.ok(seen.includes(must), `missing ${must}`);
  }
});

test('X-Real-IP is ignored without --trust-proxy', async () => {
  const r = await fetch(`${srv.base}/metrics`, { headers: { 'X-Real-IP': '203.0.113.9' } });
  assert.equal(r.status, 200);
});

test('static files: the web root only, with their types; the console falls back to index.html', async () => {
  let r = await fetch(`${srv.base}/app.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/javascript/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  r = await fetch(`${srv.base}/assets/app-1a2b.js`);
  assert.match(r.headers.get('cache-control'), /immutable/);
  r = await fetch(`${srv.base}/hazards/42`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(await r.text(), /Firewarden/);
  // Outside the web root: never.
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2E%2E%2Fsecret.txt',
    '/..%5csecret.txt', '//etc/passwd', '/assets/../../secret.txt']) {
    // fetch() would normalise the dot segments: send the raw path.
    const res = await new Promise((ok, fail) => {
      const q = request({ host: '127.0.0.1', port: srv.port, path: p, method: 'GET' }, (x) => {
        let b = '';
        x.on('data', (d) => { b += d; });
        x.on('end', () => ok({ status: x.statusCode, body: b }));
      });
      q.on('error', fail);
      q.end();
    });
    assert.ok(!res.body.includes('outside the web root'), `${p}: ${res.status}`);
  }
});
