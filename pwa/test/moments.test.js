// The PWA at the moments where dates go wrong (tests/vectors/calendar/moments.json, which the
// server's tests read too): its clock names the same London day, week and "tomorrow" as the
// server's, and the box score worked out on the device ends with that week.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { today, setClock, resetClock } from '../src/lib/clock.js';
import { addDays, weekStart } from '../src/lib/dates.js';
import { computeFromRecords } from '../src/data/boxscore.js';

const { moments } = JSON.parse(readFileSync(new URL('../../tests/vectors/calendar/moments.json', import.meta.url)));

afterEach(resetClock);

for (const [name, m] of Object.entries(moments)) {
  test(`${name}: ${m.why}`, () => {
    setClock(() => Date.parse(m.instant));
    assert.deepEqual([today(), weekStart(today()), addDays(today(), 1)], [m.london_today, m.week_start, m.tomorrow]);
    const score = computeFromRecords({ now: m.instant, weeks: 12, measures: [], capacity_entries: [], measure_values: [], categories: [], contracted_hours_per_week: null });
    assert.equal(score.this_week, m.week_start);
    assert.equal(score.weeks.length, 12);
    assert.equal(score.weeks.at(-1), m.week_start);
    score.weeks.slice(1).forEach((w, i) => assert.equal(w, addDays(score.weeks[i], 7)));
  });
}
