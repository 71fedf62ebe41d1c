// The team's board, the settings shown on it and the screens signed in to show it (app.js builds
// its router from ./index.js). The screens load with import(): chunks of their own, precached for
// offline use, outside the shell's budget. Their CSS is imported by main.js, with the shell's:
// esbuild links no CSS of a lazy chunk into the page, and the JS unit tests load this module in
// Node, which reads no CSS.
import { lazy } from './lazy.js';

const boardScreen = (name) => lazy(() => import('../screens/board.js'), name);

export const boardScreens = {
  routes: [
    [/^\/teams\/([\w-]+)\/board$/, boardScreen('BoardScreen')],
    [/^\/teams\/([\w-]+)\/team-settings$/, boardScreen('TeamSettingsScreen')],
    // A lead's, a few times a year: not in the board's chunk, which every ward TV loads.
    [/^\/teams\/([\w-]+)\/displays$/, lazy(() => import('../screens/displays.js'), 'DisplaysScreen')],
  ],
  nav: [[(teamId) => teamId && `/teams/${teamId}/board`, 'Board']],
};
