// Huddle mode, a huddle's summary and the team's past huddles (app.js builds its router from
// ./index.js). The screens load with import(): a chunk of their own, precached for offline use,
// outside the shell's budget. Their CSS is imported by main.js, with the shell's, because esbuild
// links no CSS of a lazy chunk into the page.

// One chunk for the three: each shared chunk the shell splits off costs its own gzip dictionary.
import { lazy } from './lazy.js';

const huddleScreen = (name) => lazy(() => import('../screens/huddle.js'), name);

export const huddlesScreens = {
  routes: [
    [/^\/teams\/([\w-]+)\/huddle$/, huddleScreen('HuddleScreen')],
    [/^\/teams\/([\w-]+)\/huddles$/, huddleScreen('HuddlesScreen')],
    [/^\/teams\/([\w-]+)\/huddles\/([\w-]+)$/, huddleScreen('HuddleSummaryScreen')],
  ],
  // The current team's huddle (the href is made from app.teamId; none without a team).
  nav: [[(teamId) => teamId && `/teams/${teamId}/huddle`, 'Huddle']],
};
