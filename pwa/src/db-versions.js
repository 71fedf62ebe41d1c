// Version numbers shared by the app, the service worker build and the update rule.
// DB_VERSION: the IndexedDB schema version (db.js owns the upgrade steps).
// OUTBOX_FORMAT: the shape of a queued mutation plus the wire schema_version it is sent with.
// READS_OUTBOX_FORMATS: the outbox formats this version can still send. A new version that
//   changes the outbox format must keep the old one here until it can no longer be queued,
//   or the update waits until the outbox is empty (see register-sw.js).
export const DB_VERSION = 5; // 2: collection indexes come from collections/ (db.js); 3: huddle_notes/huddle;
// 4: capacity_entries/team_day retired (the board's Pareto reads weekly totals); 5: the team index retired
export const OUTBOX_FORMAT = 1;
export const READS_OUTBOX_FORMATS = [1];
export const SYNC_SCHEMA_VERSION = 1;
