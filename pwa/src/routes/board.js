// The team's board and the settings shown on it (app.js builds its router from ./index.js). The
// screens load with import(): a chunk of their own, precached for offline use, outside the shell's
// budget. Their CSS is imported by main.js, with the shell's: esbuild links no CSS of a lazy chunk
// into the page, and the JS unit tests load this module in Node, which reads no CSS.

const lazy = (name) => async (app) => (await import('../screens/board.js'))[name](app);

export const boardScreens = {
  routes: [
    [/^\/teams\/([\w-]+)\/board$/, lazy('BoardScreen')],
    [/^\/teams\/([\w-]+)\/team-settings$/, lazy('TeamSettingsScreen')],
  ],
  nav: [[(teamId) => teamId && `/teams/${teamId}/board`, 'Board']],
};
