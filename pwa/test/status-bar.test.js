// The status bar says one true thing: "saved" only when nothing waits and nothing was refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusMessage } from '../src/ui/status-bar.js';

const synced = { state: 'idle', pending: 0, rejected: 0, lastSyncAt: '2026-10-22T08:00:00Z' };

test('all saved only when nothing waits and nothing was refused', () => {
  assert.equal(statusMessage(synced, true), 'All changes saved to the server');
  assert.equal(statusMessage({ ...synced, rejected: 2 }, true), '2 changes need attention');
  assert.equal(statusMessage({ ...synced, rejected: 1 }, false), '1 change needs attention');
});

test('what is waiting comes first; refused changes are then shown beside it', () => {
  assert.equal(statusMessage({ ...synced, pending: 1, rejected: 2 }, true), '1 change waiting to sync');
  assert.equal(statusMessage({ ...synced, state: 'syncing', rejected: 2 }, true), 'Syncing…');
});

test('a first sync says how much of the team\'s data has arrived, and what waits to be sent', () => {
  const syncing = { state: 'syncing', pending: 0, rejected: 0, lastSyncAt: null, progress: { done: 18000, total: 45000 } };
  assert.equal(statusMessage(syncing, true), "Downloading your team's data: 40%");
  assert.equal(statusMessage({ ...syncing, pending: 1 }, true), "Downloading your team's data: 40% · 1 change waiting to sync");
  assert.equal(statusMessage({ ...syncing, progress: { done: 45000, total: 45000 } }, true), "Downloading your team's data: 99%");
  assert.equal(statusMessage({ ...syncing, state: 'failed' }, true), 'Sync failed — will retry');
});
