// Weekly values of the measures entered by hand: one record per measure and week. What a record
// is and how it reads; the values and import screens are in ../routes/measure-values.js.
import { formatValue, shortWeek, longWeek } from '../lib/measure-text.js';
import { measures } from './measures.js';
import { collection } from './words.js';

/** What the database needs of it (db.js; the service worker loads only this part). */
export const measureValuesStored = {
  name: 'measure_values',
  indexes: [],
};

export const measureValues = /* @__PURE__ */ collection(measureValuesStored, {
  noun: 'a weekly value',
  /** The records its words name: the measure. */
  related: (v) => (v.measure_id ? [[measures.name, v.measure_id]] : []),
  /** "weekly value 41 of “Patients seen” for week beginning 23 Nov". */
  describe(v, related = () => null) {
    const measure = v.measure_id ? related(measures.name, v.measure_id) : null;
    return [
      `weekly value ${v.value == null ? '(empty)' : formatValue(v.value)}`,
      measure?.name ? `of “${measure.name}”` : '',
      v.week_start ? `for week beginning ${shortWeek(v.week_start)}` : '',
    ].filter(Boolean).join(' ');
  },
  fields: {
    value: { label: 'Value', show: (v) => (v == null ? 'empty' : formatValue(v)), restore: true },
    week_start: { label: 'Week beginning', show: (v) => longWeek(v) },
    measure_id: { label: 'Measure' },
  },
  fix: () => ({ href: '/values', text: 'Enter the value again' }),
});
