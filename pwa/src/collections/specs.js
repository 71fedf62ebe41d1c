// The field rules of every collection the app syncs (spec/collections/) and their check: loaded by
// ./rules.js with import(), so they stay out of the shell.
import capacityEntries from '../../../spec/collections/capacity_entries.json' with { type: 'json' };
import timeLostCategories from '../../../spec/collections/time_lost_categories.json' with { type: 'json' };
import measures from '../../../spec/collections/measures.json' with { type: 'json' };
import measureValues from '../../../spec/collections/measure_values.json' with { type: 'json' };
import boardSettings from '../../../spec/collections/board_settings.json' with { type: 'json' };
import huddles from '../../../spec/collections/huddles.json' with { type: 'json' };
import huddleNotes from '../../../spec/collections/huddle_notes.json' with { type: 'json' };
import ideas from '../../../spec/collections/ideas.json' with { type: 'json' };
import pdsaCycles from '../../../spec/collections/pdsa_cycles.json' with { type: 'json' };
import actions from '../../../spec/collections/actions.json' with { type: 'json' };

export { checkFields } from '../lib/validate.js';
export const SPECS = new Map([
  capacityEntries, timeLostCategories, measures, measureValues, boardSettings, huddles, huddleNotes, ideas, pdsaCycles, actions,
].map((s) => [s.collection, s]));
