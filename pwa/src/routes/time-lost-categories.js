// Time-lost categories' screen and its route (app.js builds its router from ./index.js).
import { CategoriesScreen } from '../screens/categories.js';

export const timeLostCategoriesScreens = {
  routes: [[/^\/categories$/, CategoriesScreen]],
  nav: [],
};
