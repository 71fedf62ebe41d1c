// Capacity entries' screens and their routes (app.js builds its router from ./index.js).
import { KINDS } from '../collections/capacity-entries.js';
import { LogScreen } from '../screens/log.js';
import { EntriesScreen } from '../screens/entries.js';
import { EditEntryScreen, FixEntryScreen } from '../screens/edit-entry.js';
import { TallyScreen } from '../screens/tally.js';

export const capacityEntriesScreens = {
  routes: [
    [new RegExp(`^/log/(${Object.keys(KINDS).join('|')})$`), LogScreen],
    [/^\/entries$/, EntriesScreen],
    [/^\/entries\/([\w-]+)$/, EditEntryScreen],
    [/^\/attention\/(\d+)$/, FixEntryScreen], // where capacityEntries.fix() sends a refused change
    [/^\/tally$/, TallyScreen],
  ],
  nav: [['/entries', 'My entries'], ['/tally', 'Tally']],
};
