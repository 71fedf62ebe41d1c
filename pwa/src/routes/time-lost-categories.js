// Time-lost categories' screen and its route (app.js builds its router from ./index.js).
import { lazy } from './lazy.js';

export const timeLostCategoriesScreens = {
  routes: [[/^\/categories$/, lazy(() => import('../screens/categories.js'), 'CategoriesScreen')]],
  nav: [],
};
