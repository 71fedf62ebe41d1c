// Weekly values' screens and their routes: entering this and last week's values, and importing
// them from a file (app.js builds its router from ./index.js).
import { lazy } from './lazy.js';

export const measureValuesScreens = {
  routes: [
    [/^\/values$/, lazy(() => import('../screens/values.js'), 'ValuesScreen')],
    [/^\/import$/, lazy(() => import('../screens/import.js'), 'ImportScreen')],
  ],
  nav: [],
};
