// The board settings screen and its route (app.js builds its router from ./index.js).
import { BoardSettingsScreen } from '../screens/board-settings.js';

export const boardSettingsScreens = {
  routes: [[/^\/board-settings$/, BoardSettingsScreen]],
  nav: [],
};
