// Every collection's screens and routes, for app.js: its router and main navigation are built from here.
// One entry per collection, next to its entry in ../collections/index.js (records and words, which db.js and
// the service worker load without any screen).
import { capacityEntriesScreens } from './capacity-entries.js';
import { timeLostCategoriesScreens } from './time-lost-categories.js';
import { measuresScreens } from './measures.js';
import { measureValuesScreens } from './measure-values.js';
import { boardSettingsScreens } from './board-settings.js';
import { huddlesScreens } from './huddles.js';
import { boardScreens } from './board.js';
import { improvementScreens } from './improvement.js';

const SCREENS = [capacityEntriesScreens, timeLostCategoriesScreens, measuresScreens, measureValuesScreens, boardSettingsScreens,
  huddlesScreens, improvementScreens, boardScreens];

/** [pattern, screen] pairs; a pattern's groups become app.params. */
export const COLLECTION_ROUTES = SCREENS.flatMap((s) => s.routes);

/** [href, text] of the main navigation's links to collection screens, in this order. An href that
 * is a function takes the current team's id (its link is left out while there is no team). */
export const COLLECTION_NAV = SCREENS.flatMap((s) => s.nav);

export const collectionNav = (teamId) => COLLECTION_NAV
  .map(([href, text]) => [typeof href === 'function' ? teamId && href(teamId) : href, text])
  .filter(([href]) => href);
