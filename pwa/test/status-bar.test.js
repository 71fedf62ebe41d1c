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
