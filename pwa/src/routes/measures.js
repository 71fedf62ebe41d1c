// Measures' screens and their routes: the box score, a measure's chart, the measures and their
// form (app.js builds its router from ./index.js). All load with import() when first opened (chunks
// precached for offline use): the box score and its charts are the largest screens, and setting up
// the box score is for leads and coaches, now and then.
import { lazy } from './lazy.js';

const boxScoreScreen = (name) => lazy(() => import('../screens/boxscore.js'), name);
const measuresScreen = (name) => lazy(() => import('../screens/measures.js'), name);

export const measuresScreens = {
  routes: [
    [/^\/boxscore$/, boxScoreScreen('BoxScoreScreen')],
    [/^\/boxscore\/([\w-]+)$/, boxScoreScreen('MeasureChartScreen')],
    [/^\/measures$/, measuresScreen('MeasuresScreen')],
    [/^\/measures\/new$/, measuresScreen('MeasureFormScreen')],
    [/^\/measures\/([\w-]+)$/, measuresScreen('MeasureFormScreen')],
  ],
  nav: [['/boxscore', 'Box score']],
};
