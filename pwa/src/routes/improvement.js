// Ideas, PDSA cycles and actions: the kanban, the PICK chart, an idea with its cycles, the actions,
// and their nav links (app.js builds its router from ./index.js). The screens load with import(), so
// they are chunks of their own outside the shell; their styles are the shell's (main.js: esbuild links
// no CSS of a lazy chunk).

const ideas = (name) => async (app) => (await import('../screens/ideas.js'))[name](app);
const idea = (name) => async (app) => (await import('../screens/idea.js'))[name](app);
const actions = (name) => async (app) => (await import('../screens/actions.js'))[name](app);

export const improvementScreens = {
  routes: [
    [/^\/teams\/([\w-]+)\/ideas$/, ideas('IdeasScreen')],
    [/^\/teams\/([\w-]+)\/pick-chart$/, ideas('PickChartScreen')],
    [/^\/teams\/([\w-]+)\/ideas\/([\w-]+)$/, idea('IdeaScreen')],
    [/^\/teams\/([\w-]+)\/ideas\/([\w-]+)\/cycles\/(?:new|([\w-]+))$/, idea('CycleFormScreen')],
    [/^\/teams\/([\w-]+)\/actions$/, actions('ActionsScreen')],
    [/^\/teams\/([\w-]+)\/actions\/([\w-]+)$/, actions('ActionFormScreen')],
  ],
  // The current team's.
  nav: [[(teamId) => `/teams/${teamId}/ideas`, 'Ideas'], [(teamId) => `/teams/${teamId}/actions`, 'Actions']],
};
