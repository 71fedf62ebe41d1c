// Time-lost categories ("reasons"): the team's list that people pick from when they log time
// lost. What a record is and how it reads; its screen is in ../routes/time-lost-categories.js.
import { collection } from './words.js';
/** What the database needs of it (db.js; the service worker loads only this part). */
export const timeLostCategoriesStored = {
  name: 'time_lost_categories',
  indexes: [],
};

export const timeLostCategories = /* @__PURE__ */ collection(timeLostCategoriesStored, {
  noun: 'a time-lost reason',
  describe: (c) => (c.name ? `time-lost reason “${c.name}”` : 'a time-lost reason'),
  // A name is not put back from here: a rename must also keep the old name in former_names
  // (data/categories.js renameFields), which the reasons screen does.
  fields: {
    name: { label: 'Name' },
    former_names: { label: 'Earlier names' },
    position: { label: 'Place in the list', show: (v) => `place ${Number(v) + 1}` },
    archived: { label: 'Archived', restore: true },
  },
  fix: () => ({ href: '/categories', text: 'Open the time-lost reasons' }),
});
