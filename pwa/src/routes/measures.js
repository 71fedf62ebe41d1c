// Measures' screens and their routes: the box score, a measure's chart, the measures and their
// form (app.js builds its router from ./index.js).
import { BoxScoreScreen, MeasureChartScreen } from '../screens/boxscore.js';
import { lazy } from './lazy.js';

// Setting up the box score is for leads and coaches, now and then: a chunk of its own.
const measuresScreen = (name) => lazy(() => import('../screens/measures.js'), name);

export const measuresScreens = {
  routes: [
    [/^\/boxscore$/, BoxScoreScreen],
    [/^\/boxscore\/([\w-]+)$/, MeasureChartScreen],
    [/^\/measures$/, measuresScreen('MeasuresScreen')],
    [/^\/measures\/new$/, measuresScreen('MeasureFormScreen')],
    [/^\/measures\/([\w-]+)$/, measuresScreen('MeasureFormScreen')],
  ],
  nav: [['/boxscore', 'Box score']],
};
