// Ideas, PDSA cycles and actions on the device: the server's rules checked before saving (in the
// screens' words), a card's recent moves, and the main navigation's links to the current team's.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdea, checkCycle, checkAction } from '../src/data/improvement-rules.js';
import { moveHistory } from '../src/data/improvement.js';
import { collectionNav } from '../src/routes/index.js';
import { setClock, resetClock } from '../src/lib/clock.js';

afterEach(resetClock);
// Half past midnight in London on Thursday 22 October 2026: still the 21st in UTC.
const atThursday = () => setClock(() => Date.parse('2026-10-21T23:30:00Z'));

test('an idea: a title of 1-200 characters as people count them, a real day no later than tomorrow', () => {
  atThursday();
  assert.deepEqual(checkIdea({ title: 'Hoist by bay 4', status: 'new', raised_on: '2026-10-23' }), {});
  assert.deepEqual(checkIdea({ title: '🙂'.repeat(200), status: 'new', raised_on: '2026-10-22' }), {});
  assert.deepEqual(checkIdea({ title: '  ', status: 'sideways', raised_on: '2026-10-24', pick: 'maybe', measure_ids: Array(21).fill('m') }), {
    title: 'Say what the idea is',
    status: 'Choose a column',
    pick: 'Choose a place on the PICK chart',
    measure_ids: 'Choose 20 measures or fewer',
    raised_on: 'The day it was raised cannot be more than a day from now',
  });
  assert.deepEqual(checkIdea({ title: 'x'.repeat(201), description: 'y'.repeat(4001), raised_on: '2026-02-30' }), {
    title: 'Use 200 characters or fewer (this is 201)',
    description: 'Use 4,000 characters or fewer (this is 4,001)',
    raised_on: 'Enter the day it was raised as a real date',
  });
  // Only the fields given are checked: a move sends the status alone.
  assert.deepEqual(checkIdea({ status: 'parked' }), {});
});

test('a PDSA cycle needs its plan and start; an action its title; a due date may be past', () => {
  atThursday();
  assert.deepEqual(checkCycle({ started_on: '2026-10-22', plan: 'Try it; we predict less walking.', do: null, study: null, act: null }), {});
  assert.deepEqual(checkCycle({ started_on: '', plan: null, act: 'adopt later' }), {
    started_on: 'Enter the day the cycle started as a real date',
    plan: 'Say what you will change and what you predict',
    act: 'Choose adopt, adapt or abandon',
  });
  assert.deepEqual(checkAction({ title: 'Ring estates', due_on: '2026-01-05', owner_user_id: null }), {});
  assert.deepEqual(checkAction({ title: '', due_on: '5/1/2026', status: 'closed' }), {
    title: 'Say what needs doing',
    due_on: 'Enter the due date as a real date, or leave it empty',
    status: 'Choose open, done or dropped',
  });
});

test('a card’s recent moves: a move still waiting, the team’s copy, and a move another device overwrote', () => {
  atThursday();
  const mine = 'tablet-1';
  const hlc = (iso, device) => `${iso}-0000-${device}`;
  const idea = {
    id: 'i1', status: 'parked', pending: 1,
    synced: { status: 'adopted', statusHlc: hlc('2026-10-21T23:20:00.000Z', 'phone-2'), raisedHlc: hlc('2026-10-20T09:00:00.000Z', mine) },
  };
  const overwritten = [{ collection: 'ideas', record_id: 'i1', field: 'status', lost_value: 'testing', kept_value: 'adopted',
    lost_hlc: hlc('2026-10-21T23:10:00.000Z', mine), kept_hlc: hlc('2026-10-21T23:20:00.000Z', 'phone-2'), lost_by_client_id: mine }];
  assert.deepEqual(moveHistory(idea, overwritten, mine).map((m) => [m.text, m.overwritten]), [
    ['Moved to Parked on this device, waiting to sync', false],
    ['Moved to Adopted on another device', false],
    ['Moved to Testing on this device, overwritten by another device’s move to Adopted', true],
  ]);
  // Raised and never moved: the status was written with the rest of the idea.
  const raised = { id: 'i2', status: 'new', pending: 0, synced: { status: 'new', statusHlc: hlc('2026-10-20T09:00:00.000Z', mine), raisedHlc: hlc('2026-10-20T09:00:00.000Z', mine) } };
  assert.deepEqual(moveHistory(raised, [], mine).map((m) => m.text), ['Raised in New on this device']);
  assert.equal(moveHistory(idea, overwritten, mine, 1).length, 1);
});

test('the ideas and actions links are the current team’s, and left out while there is no team', () => {
  const hrefs = (teamId) => collectionNav(teamId).map(([href]) => href);
  assert.ok(hrefs('t1').includes('/teams/t1/ideas') && hrefs('t1').includes('/teams/t1/actions'));
  assert.ok(hrefs(null).every((href) => typeof href === 'string' && !href.includes('/teams/')));
});
