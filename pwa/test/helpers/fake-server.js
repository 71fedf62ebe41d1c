// An in-memory stand-in for the server's sync endpoints (issue 3 wire contract), with
// knobs to drop requests or responses, duplicate them, and answer 401/426/413/409.

/** The server's compact form of a record's field hlcs: the most shared one, and the others. */
function compactHlcs(r) {
  if (r.deleted) return { hlc: null, hlcs: {} };
  const counts = new Map();
  for (const h of Object.values(r.hlcs)) counts.set(h, (counts.get(h) || 0) + 1);
  let hlc = null;
  for (const [h, n] of counts) if (hlc === null || n > counts.get(hlc) || (n === counts.get(hlc) && h > hlc)) hlc = h;
  const hlcs = Object.fromEntries(Object.entries(r.hlcs).filter(([, h]) => h !== hlc));
  return { hlc, hlcs };
}

export class FakeServer {
  constructor() {
    this.records = new Map(); // key collection|id -> {record, hlcs, deleted, seq}
    this.lastIds = new Map(); // client_id -> last processed mutation id
    this.seq = 0;
    this.applied = []; // every applied mutation (to prove exactly-once)
    this.conflicts = [];
    this.revoked = new Set();
    this.schemaVersions = [1];
    this.maxBatch = 500;
    this.serverTime = () => new Date().toISOString();
    this.tokens = new Map(); // token -> {client_id, user_id}
    this.rejectIf = () => null;
    this.leftNext = [];
    this.outside = new Set(); // keys collection|id outside every device's window: a change is a left notice
    this.windows = null; // {collection: {field, from}} sent with every page when set
    this.progress = null; // (after, pageLength, changedCount) -> {done, total}, sent when set
  }

  handle(method, path, body, token) {
    const auth = this.tokens.get(token);
    if (!auth || this.revoked.has(token)) return { status: 401, body: { error: { code: 'unauthorized', message: 'No.' } } };
    const url = new URL(path, 'http://x');
    if (method === 'POST' && url.pathname === '/api/sync/push') return this.push(body, auth);
    if (method === 'GET' && url.pathname === '/api/sync/pull') return this.pull(url.searchParams, auth);
    if (method === 'GET' && url.pathname === '/api/sync/conflicts') return { status: 200, body: { conflicts: this.conflicts } };
    if (method === 'GET' && url.pathname === '/api/me') return { status: 200, body: { id: auth.user_id, teams: [{ id: 't1', name: 'Ward 1', board_id: 'b', role: 'member' }], coached_teams: [] } };
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
  }

  push(body, auth) {
    if (body.client_id !== auth.client_id) return { status: 403, body: { error: { code: 'forbidden', message: 'x' } } };
    if (!this.schemaVersions.includes(body.schema_version)) return { status: 426, body: { error: { code: 'schema_version_unsupported', message: 'x' } } };
    if (body.mutations.length > this.maxBatch) return { status: 413, body: { error: { code: 'payload_too_large', message: 'x' } } };
    let last = this.lastIds.get(body.client_id) || 0;
    const first = body.mutations[0]?.id;
    if (first !== undefined && first > last + 1) {
      return { status: 409, body: { error: { code: 'mutation_gap', message: 'gap', expected_id: last + 1 }, expected_id: last + 1 } };
    }
    const results = [];
    for (const m of body.mutations) {
      if (m.id <= last) { results.push({ id: m.id, status: 'duplicate' }); continue; }
      if (m.id !== last + 1) return { status: 409, body: { error: { code: 'mutation_gap', message: 'gap' }, expected_id: last + 1 } };
      last = m.id;
      const err = this.rejectIf(m);
      if (err) { results.push({ id: m.id, status: 'rejected', error: err }); continue; }
      const res = this.apply(m, auth);
      results.push(res ? { id: m.id, status: 'rejected', error: res } : { id: m.id, status: 'applied' });
    }
    this.lastIds.set(body.client_id, last);
    return { status: 200, body: { last_mutation_id: last, server_time: this.serverTime(), results } };
  }

  apply(m, auth) {
    const key = `${m.collection}|${m.record_id}`;
    let rec = this.records.get(key);
    if (rec?.deleted) return { code: 'record_deleted', message: 'deleted' };
    this.applied.push({ ...m, client_id: auth.client_id });
    if (!rec) {
      rec = { record: { id: m.record_id, user_id: auth.user_id }, hlcs: {}, deleted: false };
      this.records.set(key, rec);
    }
    if (m.op === 'delete') rec.deleted = true;
    else {
      for (const [f, v] of Object.entries(m.fields)) {
        if (!rec.hlcs[f] || m.hlc > rec.hlcs[f]) {
          rec.record[f] = v; rec.hlcs[f] = m.hlc; rec.by = { ...rec.by, [f]: auth.client_id };
        } else {
          this.conflicts.push({ collection: m.collection, record_id: m.record_id, field: f, kept_value: rec.record[f], kept_hlc: rec.hlcs[f], lost_value: v, lost_hlc: m.hlc, lost_by_client_id: auth.client_id, lost_by_user_id: auth.user_id, at: this.serverTime() });
        }
      }
    }
    rec.seq = ++this.seq;
    return null;
  }

  pull(params, auth) {
    const after = parseInt(params.get('cursor') || '0', 10);
    const limit = parseInt(params.get('limit') || '500', 10);
    const changed = [...this.records.entries()].filter(([, r]) => r.seq > after).sort((a, b) => a[1].seq - b[1].seq);
    const page = changed.slice(0, limit);
    const changes = page.map(([key, r]) => {
      const [collection, record_id] = key.split('|');
      if (this.outside.has(key)) return { collection, record_id, deleted: true, left: true, record: { id: record_id }, hlc: null, hlcs: {} };
      return { collection, record_id, deleted: r.deleted, record: { ...r.record }, ...compactHlcs(r) };
    });
    const cursor = page.length ? String(page[page.length - 1][1].seq) : String(after);
    const drop = this.dropNext || [];
    // Records that left the device's sync window (`leftNext`: [collection, record_id] pairs), told once.
    for (const [collection, record_id] of this.leftNext.splice(0)) {
      changes.push({ collection, record_id, deleted: true, left: true, record: { id: record_id }, hlc: null, hlcs: {} });
    }
    const extra = this.windows ? { windows: this.windows } : {};
    if (this.progress) extra.progress = this.progress(after, page.length, changed.length);
    return { status: 200, body: { changes, cursor, has_more: changed.length > limit, last_mutation_id: this.lastIds.get(auth.client_id) || 0, drop_teams: drop, server_time: this.serverTime(), ...extra } };
  }
}

/** A transport for one device, with failure injection. */
export function fakeTransport(server, getToken) {
  const t = {
    calls: [],
    // Faults for the next push requests: 'drop-request' | 'drop-response' | 'duplicate' | {status, body}
    failNext: [],
    async request(method, path, body) {
      const token = await getToken();
      t.calls.push({ method, path, body: body && JSON.parse(JSON.stringify(body)) });
      const fault = path.startsWith('/api/sync/push') ? t.failNext.shift() : undefined;
      if (fault === 'drop-request') throw new Error('connection reset');
      if (fault && typeof fault === 'object') return fault;
      const copy = body && JSON.parse(JSON.stringify(body));
      const res = server.handle(method, path, copy, token);
      if (fault === 'duplicate') server.handle(method, path, copy, token);
      if (fault === 'drop-response') throw new Error('response lost');
      return JSON.parse(JSON.stringify(res));
    },
  };
  return t;
}
