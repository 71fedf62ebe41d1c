// The app shell: owns the database, session, sync client and the router, and renders
// the current screen into <main>. Screens are plain functions (one file each) that
// return an element; they read local data only, so every screen works offline.
import { openDb, getMeta, setMeta } from './db.js';
import { createTransport } from './api.js';
import { SyncClient } from './sync/client.js';
import { SyncScheduler } from './sync/scheduler.js';
import { LiveUpdates } from './sync/live.js';
import * as session from './session.js';
import { registerServiceWorker } from './register-sw.js';
import { h, link, unreadBadge } from './ui/h.js';
import { StatusBar } from './ui/status-bar.js';
import { UpdateBanner } from './ui/update-banner.js';
import { InstallHint } from './ui/install-hint.js';
import { LoginScreen } from './screens/login.js';
import { HomeScreen } from './screens/home.js';
import { AttentionScreen } from './screens/attention.js';
import { ConflictsScreen } from './screens/conflicts.js';
import { SignOutScreen } from './screens/sign-out.js';
import { NotFoundScreen } from './screens/not-found.js';
import { COLLECTION_ROUTES, collectionNav } from './routes/index.js';
import { lazy } from './routes/lazy.js';
import { META } from './meta-keys.js';
import { teamsOf } from './data/team.js';
import { notifiableTeams, markRead, fetchInbox, cachedInbox } from './data/inbox.js';

// The app's own screens, then each collection's (routes/index.js).
const ROUTES = [
  [/^\/$/, HomeScreen],
  [/^\/attention$/, AttentionScreen],
  [/^\/conflicts$/, ConflictsScreen],
  [/^\/sign-out$/, SignOutScreen],
  [/^\/devices$/, lazy(() => import('./screens/devices.js'), 'DevicesScreen')],
  [/^\/notifications$/, lazy(() => import('./screens/inbox.js'), 'InboxScreen')],
  [/^\/notifications\/settings$/, lazy(() => import('./screens/notification-settings.js'), 'NotificationSettingsScreen')],
  [/^\/coach$/, lazy(() => import('./screens/caseload.js'), 'CaseloadScreen')],
  [/^\/teams\/([\w-]+)\/fidelity$/, lazy(() => import('./screens/team-fidelity.js'), 'TeamFidelityScreen')],
  [/^\/library$/, lazy(() => import('./screens/library.js'), 'LibraryScreen')],
  [/^\/library\/([\w-]+)$/, lazy(() => import('./screens/library.js'), 'LibraryItemScreen')],
  [/^\/teams\/([\w-]+)\/shared$/, lazy(() => import('./screens/library.js'), 'TeamSharedScreen')],
  [/^\/teams\/([\w-]+)\/rota$/, lazy(() => import('./screens/team-rota.js'), 'TeamRotaScreen')],
  [/^\/boards$/, lazy(() => import('./screens/boards.js'), 'BoardsScreen')],
  [/^\/boards\/([\w-]+)$/, lazy(() => import('./screens/boards.js'), 'BoardOverviewScreen')],
  [/^\/boards\/([\w-]+)\/report$/, lazy(() => import('./screens/boards.js'), 'BoardReportScreen')],
  [/^\/admin$/, lazy(() => import('./screens/admin.js'), 'AdminScreen')],
  [/^\/admin\/teams\/([\w-]+)$/, lazy(() => import('./screens/admin.js'), 'AdminTeamScreen')],
  [/^\/admin\/people$/, lazy(() => import('./screens/admin-people.js'), 'PeopleScreen')],
  [/^\/admin\/people\/([\w-]+)$/, lazy(() => import('./screens/admin-people.js'), 'PersonScreen')],
  [/^\/admin\/import$/, lazy(() => import('./screens/admin-people.js'), 'ImportPeopleScreen')],
  [/^\/admin\/audit$/, lazy(() => import('./screens/admin-audit.js'), 'AuditScreen')],
  [/^\/account\/password$/, lazy(() => import('./screens/account.js'), 'ChangePasswordScreen')],
  ...COLLECTION_ROUTES,
];
// An invitation or password-reset link opens this page, signed out (the router reads it first).
const INVITE = /^\/invite\/([\w-]+)$/;

export async function startApp(root) {
  const db = await openDb();
  const transport = createTransport(db);
  const app = {
    db,
    transport,
    session: await getMeta(db, META.SESSION),
    me: await getMeta(db, META.ME),
    teamId: await getMeta(db, META.CURRENT_TEAM),
    status: { state: 'idle', pending: 0, rejected: 0, lastSyncAt: null },
    update: null,
    flash: null, // shown until the next navigation (ui/flash.js)
    flashShown: false,
    unread: 0, // notifications not yet read, as the inbox was last read (data/inbox.js)
  };

  const channel = 'BroadcastChannel' in self ? new BroadcastChannel('valueboard') : null;
  const client = new SyncClient({
    db,
    transport,
    onStatus(status) {
      app.status = status;
      chrome.status.update();
      chrome.banner.update();
      if (status.state === 'signed_out') onSignedOut();
    },
    onChange() {
      channel?.postMessage('changed');
      scheduleRender();
    },
  });
  app.client = client;
  const scheduler = new SyncScheduler(client);
  app.syncNow = (reason) => scheduler.soon(reason, 0);
  // Another device changed one of our teams: sync now (pokes arriving together make one sync).
  const live = new LiveUpdates(transport, app.syncNow);

  // ---- chrome: skip link, header, status, update banner, main, nav ----
  const main = h('main', { id: 'main', class: 'width', tabindex: '-1' });
  const nav = h('nav', { 'aria-label': 'Main', class: 'nav', id: 'main-nav' });
  // On a phone the navigation folds behind one button (a disclosure: the links follow it in
  // reading order), so the header leaves the screen to the page; wider screens show it all.
  const menuButton = h('button', {
    type: 'button', class: 'header__menu', 'aria-expanded': 'false', 'aria-controls': 'main-nav',
    onclick: () => setMenu(menuButton.getAttribute('aria-expanded') !== 'true'),
  }, 'Menu');
  const setMenu = (open, { focusButton = false } = {}) => {
    menuButton.setAttribute('aria-expanded', String(open));
    header.classList.toggle('header--open', open);
    if (focusButton) menuButton.focus();
  };
  const chrome = {
    status: StatusBar(app),
    banner: UpdateBanner(app),
  };
  // The status bar and update banner live in the banner landmark, so all content is in a landmark.
  const header = h('header', { class: 'header' },
    h('div', { class: 'width header__inner' },
      h('a', { href: '/', 'data-link': '', class: 'header__brand' }, h('span', { class: 'header__logo', 'aria-hidden': 'true' }, 'VB'), 'Valueboard'),
      menuButton, nav),
    chrome.status.el, chrome.banner.el);
  nav.addEventListener('click', (e) => e.target.closest('a') && setMenu(false));
  header.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && header.classList.contains('header--open')) setMenu(false, { focusButton: true });
  });
  root.replaceChildren(
    h('a', { href: '#main', class: 'skip-link' }, 'Skip to main content'),
    header, InstallHint() || '', main);

  // Rebuilt only when the page changes, so a background refresh leaves an open menu, and the link
  // focused in it, as they are.
  let navFor = null;
  function renderNav() {
    const here = app.session ? location.pathname : null;
    if (`${here} ${app.unread}` === navFor) return;
    navFor = `${here} ${app.unread}`;
    setMenu(false);
    menuButton.hidden = !app.session;
    if (!app.session) return nav.replaceChildren();
    const item = (href, text) => h('li', null, link(href, text, here === href ? { 'aria-current': 'page' } : {}));
    nav.replaceChildren(h('ul', null,
      item('/', 'Home'),
      // A board display (its home: the board) is signed out by a lead: whoever walks past the TV could.
      app.me?.display_of ? '' : [
        app.me?.coached_teams?.length ? item('/coach', 'Caseload') : '',
        // Admins and board leads see the board and national views (the server says the same).
        ['admin', 'board_lead'].includes(app.me?.role) ? item('/boards', 'Boards') : '',
        ['admin', 'board_lead'].includes(app.me?.role) ? item('/admin', 'Admin') : '',
        collectionNav(app.teamId).map(([href, text]) => item(href, text)),
        item('/library', 'Library'),
        // Leads and coaches are told about their teams (the inbox and its settings).
        notifiableTeams(app.me).length ? item('/notifications', ['Notifications', unreadBadge(app.unread)]) : '',
        item('/devices', 'My devices'), item('/sign-out', 'Sign out')]));
  }

  // ---- routing ----
  let renderQueued = false;
  let renderSeq = 0;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(async () => {
      renderQueued = false;
      const skipped = busy() || (await render({ focus: false, unlessBusy: true })) === 'skipped';
      window.dispatchEvent(new CustomEvent('vb-refreshed', { detail: { skipped } }));
    });
  }

  // Do not rebuild a screen someone is part-way through (typing, a changed form, a step of a quick log
  // taken): it refreshes on the next navigation.
  function busy() {
    return (main.contains(document.activeElement) && document.activeElement.matches('input, textarea, select'))
      || !!main.querySelector('[data-dirty]');
  }

  async function render({ focus = true, unlessBusy = false } = {}) {
    const seq = ++renderSeq;
    let path = location.pathname;
    if (app.session) app.me = (await getMeta(db, META.ME)) || app.me;
    // A board display's home is its team's board, full screen.
    const home = app.me?.display_of ? `/teams/${app.me.display_of.id}/board?kiosk=1` : '/';
    let screen;
    const invite = INVITE.exec(path);
    if (invite) {
      const { InviteScreen } = await import('./screens/account.js');
      screen = (a) => InviteScreen(a, invite[1]);
    } else if (!app.session) {
      screen = LoginScreen;
      if (path !== '/login' && path !== '/') history.replaceState(null, '', '/login');
    } else if (app.me?.must_change_password && path !== '/account/password' && path !== '/sign-out') {
      // A one-time password an administrator set: the server answers nothing else until it is changed.
      history.replaceState(null, '', '/account/password');
      path = location.pathname;
      screen = (a) => import('./screens/account.js').then((m) => m.ChangePasswordScreen(a));
    } else {
      if (path === '/login' || (path === '/' && home !== '/')) {
        history.replaceState(null, '', home);
        path = location.pathname;
      }
      screen = NotFoundScreen;
      for (const [re, s] of ROUTES) {
        const m = re.exec(path);
        if (m) {
          screen = s;
          app.params = m.slice(1);
          break;
        }
      }
    }
    let el;
    try {
      el = await screen(app);
    } catch (err) {
      console.error(err);
      el = h('div', null, h('h1', null, 'Something went wrong'),
        h('p', null, 'This screen could not be shown. Your saved changes are safe on this device.'),
        h('p', null, link('/', 'Go to the home screen')));
    }
    if (seq !== renderSeq) return; // a newer render started meanwhile
    if (unlessBusy && busy()) return 'skipped'; // the user started typing while it was being built
    renderNav();
    const scrollY = window.scrollY;
    main.replaceChildren(el);
    // A screen for a wall (the board's kiosk) fills it alone: no header, navigation or status bar.
    document.documentElement.toggleAttribute('data-kiosk', !!el.matches?.('[data-kiosk]'));
    if (focus) {
      const target = main.querySelector('[data-autofocus]') || main.querySelector('h1');
      if (target) {
        if (!target.hasAttribute('tabindex') && target.tagName === 'H1') target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: false });
      }
    } else {
      window.scrollTo(0, scrollY);
    }
    const h1 = main.querySelector('h1');
    document.title = h1 ? `${h1.textContent} – Valueboard` : 'Valueboard';
  }

  app.navigate = (path, { replace = false, flash = null } = {}) => {
    app.flash = flash;
    app.flashShown = false;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    return render();
  };
  app.refresh = () => render({ focus: false });
  // Data a screen fetched in the background has come: rebuild it, unless the user is part-way through.
  app.refreshUnlessBusy = () => render({ focus: false, unlessBusy: true });

  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-link]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    app.navigate(a.getAttribute('href'));
  });
  // A form (or a screen without one) the user has changed is not rebuilt by a background refresh
  // (see scheduleRender).
  for (const type of ['input', 'change']) {
    main.addEventListener(type, (e) => (e.target.closest?.('form') || main.firstElementChild)?.setAttribute('data-dirty', ''));
  }
  // So does a <details> the user opened ("Add a note", a card's move menu), while it stays open: a
  // refresh would close it under their finger. Only a click on its summary (also from the keyboard)
  // counts, as screens open some themselves; the click toggles it once the event is done.
  main.addEventListener('click', (e) => {
    const details = e.target.closest?.('summary')?.parentElement;
    if (details?.localName === 'details') setTimeout(() => details.toggleAttribute('data-dirty', details.open));
  });
  window.addEventListener('popstate', () => {
    app.flash = null;
    render();
  });
  window.addEventListener('online', () => chrome.status.update());
  window.addEventListener('offline', () => {
    chrome.status.update();
    client.refreshStatus({ state: 'offline' });
  });
  channel?.addEventListener('message', () => {
    client.refreshStatus();
    scheduleRender();
  });
  // From the service worker (sw-push.js): a push came (the inbox's count changes), or a tap on one
  // asks this window to open its path, in the app, keeping what it holds.
  navigator.serviceWorker?.addEventListener('message', (e) => {
    const { type, url, id } = e.data || {};
    if (!app.session) return;
    if (type === 'PUSHED') fetchInbox(app).then(() => scheduleRender()); // the menu's count too
    if (type === 'OPEN_URL' && typeof url === 'string' && url.startsWith('/') && !url.startsWith('//')) {
      if (id) markRead(app, id);
      app.navigate(url);
    }
  });
  window.addEventListener('vb-local-write', () => {
    channel?.postMessage('changed');
    client.refreshStatus();
  });

  // ---- session ----
  app.afterLogin = async () => {
    app.session = await getMeta(db, META.SESSION);
    app.me = await getMeta(db, META.ME);
    app.teamId = teamsOf(app.me)[0]?.id || null;
    await setMeta(db, META.CURRENT_TEAM, app.teamId);
    navigator.storage?.persist?.().catch(() => {});
    scheduler.stopped = false;
    scheduler.start();
    live.start();
    await client.refreshStatus();
    app.navigate('/', { replace: true });
  };
  app.signOut = async () => {
    scheduler.stop();
    live.stop();
    await session.logout(db, transport);
    app.session = null;
    app.me = null;
    app.teamId = null;
    await client.refreshStatus({ state: 'signed_out', lastSyncAt: null });
    app.navigate('/login', { replace: true, flash: 'You have signed out. This device no longer holds your team\u2019s data.' });
  };
  app.setTeam = async (teamId) => {
    app.teamId = teamId;
    await setMeta(db, META.CURRENT_TEAM, teamId);
    render({ focus: false });
  };
  async function onSignedOut() {
    if (!app.session) return;
    scheduler.stop();
    const display = app.me?.display_of;
    live.stop();
    app.session = null;
    app.me = null;
    app.navigate('/login', { replace: true, flash: display
      ? `This screen was signed out as ${display.name}\u2019s board display, so it no longer holds the team\u2019s data. To show the board here again, a lead signs in and chooses \u201cUse this screen as the board display\u201d.`
      : 'This device was signed out (its access was revoked or has expired), so its copy of your team\u2019s data was deleted. Sign in again to continue; changes you had not sent yet are kept for you.' });
  }
  // A lead turns this screen into the team's board display (screens/displays.js).
  app.handOver = async (displaySignIn) => {
    scheduler.stop();
    live.stop(); // its stream was opened with the lead's token
    await client.running; // a sync of the lead's must not land after the wipe
    try {
      await session.handOver(db, transport, displaySignIn);
    } finally {
      await app.afterLogin();
    }
  };
  app.refreshMe = async () => {
    const res = await session.refreshMe(db, transport).catch(() => null);
    if (res?.status === 200) {
      app.me = res.body;
      const ids = teamsOf(app.me).map((t) => t.id);
      // Only a real change redraws: someone in no team (an administrator) would otherwise have the
      // screen rebuilt under them at every start, losing a file they had chosen.
      if (!ids.includes(app.teamId) && (ids[0] || null) !== app.teamId) await app.setTeam(ids[0] || null);
    }
  };

  // ---- service worker + update flow ----
  app.sw = registerServiceWorker({
    countQueued: () => db.count('outbox'),
    onUpdate(update) {
      app.update = update;
      chrome.banner.update();
    },
  });
  const prevOnStatus = client.onStatus;
  client.onStatus = (s) => {
    prevOnStatus(s);
    if (app.update && !app.update.canActivate && s.pending === 0) app.sw?.recheck();
  };

  await client.refreshStatus();
  if (app.session) await cachedInbox(app); // the menu's unread count from the first screen on
  await render();
  if (app.session) {
    scheduler.start();
    live.start();
    app.refreshMe();
    navigator.storage?.persist?.().catch(() => {});
  }
  // Another tab opened a newer database schema: this tab's connection was closed for it.
  window.addEventListener('vb-db-closed', () => location.reload());
  return app;
}
