// The board settings screen and its route (app.js builds its router from ./index.js).
import { lazy } from './lazy.js';

export const boardSettingsScreens = {
  routes: [[/^\/board-settings$/, lazy(() => import('../screens/board-settings.js'), 'BoardSettingsScreen')]],
  nav: [],
};
