// Measures' screens and their routes: the box score, a measure's chart, the measures and their
// form (app.js builds its router from ./index.js). The box score and its charts are the largest
// screens, so they load with import() when first opened (a chunk precached for offline use)
// rather than with every start of the app.
import { MeasuresScreen, MeasureFormScreen } from '../screens/measures.js';

const boxScore = () => import('../screens/boxscore.js');

export const measuresScreens = {
  routes: [
    [/^\/boxscore$/, async (app) => (await boxScore()).BoxScoreScreen(app)],
    [/^\/boxscore\/([\w-]+)$/, async (app) => (await boxScore()).MeasureChartScreen(app)],
    [/^\/measures$/, MeasuresScreen],
    [/^\/measures\/new$/, MeasureFormScreen],
    [/^\/measures\/([\w-]+)$/, MeasureFormScreen],
  ],
  nav: [['/boxscore', 'Box score']],
};
