// Weekly values' screens and their routes: entering this and last week's values, and importing
// them from a file (app.js builds its router from ./index.js).
import { ValuesScreen } from '../screens/values.js';
import { ImportScreen } from '../screens/import.js';

export const measureValuesScreens = {
  routes: [
    [/^\/values$/, ValuesScreen],
    [/^\/import$/, ImportScreen],
  ],
  nav: [],
};
