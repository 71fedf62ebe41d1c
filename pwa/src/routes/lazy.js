// A route's screen loaded with import() when it is first opened: a chunk of its own, precached for
// offline use, outside the shell's budget (build.mjs). For screens most people rarely open (setting
// up the box score, fixing a refused change) or that stand apart (huddle mode).
export const lazy = (load, name) => async (app) => (await load())[name](app);
