// Measures' screens and their routes: the box score, a measure's chart, the measures and their
// form (app.js builds its router from ./index.js).
import { BoxScoreScreen, MeasureChartScreen } from '../screens/boxscore.js';
import { MeasuresScreen, MeasureFormScreen } from '../screens/measures.js';

export const measuresScreens = {
  routes: [
    [/^\/boxscore$/, BoxScoreScreen],
    [/^\/boxscore\/([\w-]+)$/, MeasureChartScreen],
    [/^\/measures$/, MeasuresScreen],
    [/^\/measures\/new$/, MeasureFormScreen],
    [/^\/measures\/([\w-]+)$/, MeasureFormScreen],
  ],
  nav: [['/boxscore', 'Box score']],
};
