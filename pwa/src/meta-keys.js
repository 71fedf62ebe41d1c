// Every key of the IndexedDB `meta` store (db.js owns the store), so a reader sees at once what
// the device keeps there and a typo is an undefined property instead of a silently new key.
// test/source-rules.test.js fails if a key is spelled out as a string anywhere else.
export const META = Object.freeze({
  /** {token, device_id, user}: who is signed in on this device (login; gone on sign-out or 401). */
  SESSION: 'session',
  /** GET /api/me as last read: the user's teams and roles. */
  ME: 'me',
  /** The team the screens show. */
  CURRENT_TEAM: 'current_team',
  /** The pull cursor (opaque, from the server). */
  CURSOR: 'cursor',
  /** {millis, counter, offsetMs}: the device's hybrid logical clock. */
  HLC: 'hlc',
  /** The id the next queued mutation gets (ids are consecutive per device). */
  NEXT_MUTATION_ID: 'next_mutation_id',
  /** The user whose changes the outbox holds (a different user's sign-in discards them). */
  OUTBOX_OWNER: 'outbox_owner',
  /** {collection: {field, from}}: the sync windows the device's records were last trimmed to. */
  WINDOWS: 'sync_windows',
  /** When the last sync completed (ISO 8601). */
  LAST_SYNC_AT: 'last_sync_at',
  /** Conflicts are fetched from this time on (ISO 8601). */
  CONFLICTS_SINCE: 'conflicts_since',
  /** {id, endpoint}: this device's Web Push subscription as the server knows it (push.js); sign-out
   * deletes it on the server before the token goes. */
  PUSH_SUBSCRIPTION: 'push_subscription',
  /** {notifications, fetched_at}: the inbox as last read from the server (data/inbox.js), shown offline. */
  INBOX: 'notifications_inbox',
  /** {body, fetched_at}: GET /api/caseload as last read (data/kept.js), the coach's caseload offline. */
  CASELOAD: 'coach_caseload',
  /** {body, fetched_at}: GET /api/library (newest first, no filters) as last read (data/kept.js). */
  LIBRARY: 'shared_library',
  /** {body, fetched_at}: GET /api/rota/mine as last read (data/kept.js), the home screen's "This week". */
  MY_ROTA: 'my_rota_week',
  /** This browser's random key, made once and sent with every sign-in (session.js): the server knows
   * it for the devices signed in here, so someone guessing a password elsewhere cannot lock their
   * people out of this one. Never wiped. */
  DEVICE_KEY: 'device_key',
});

/** What every wipe keeps: it belongs to the browser, not to whoever was signed in. */
export const KEPT_ALWAYS = Object.freeze([META.DEVICE_KEY]);

/** What a 401 or a re-login keeps with the user's queued changes: what sending them needs. */
export const KEPT_WITH_OUTBOX = Object.freeze([META.NEXT_MUTATION_ID, META.HLC, META.OUTBOX_OWNER]);

/** A team's settings as last read from the server (data/team.js), one key per team. */
export const teamSettingsKey = (teamId) => `team:${teamId}`;

/** When this device started a huddle's timer (epoch ms; data/huddles.js), one key per huddle. */
export const huddleStartedKey = (huddleId) => `huddle-started:${huddleId}`;
/** A team's members and coaches as last read from the server (data/team.js), one key per team. */
export const teamPeopleKey = (teamId) => `team-people:${teamId}`;
/** {body, fetched_at}: the national view (GET /api/overview and the trend) as last read, one key per period asked. */
export const overviewKey = (query) => `boards-overview:${query}`;
/** {body, fetched_at}: one board's view or bi-monthly report as last read, one key per board, page and period. */
export const boardPageKey = (boardId, page, query) => `board-${page}:${boardId}:${query}`;
/** {body, fetched_at}: a team's fidelity and protected time as last read (data/kept.js), one key per team. */
export const teamFidelityKey = (teamId) => `team-fidelity:${teamId}`;
/** {body, fetched_at}: one item of the shared learning library as last read, one key per item opened. */
export const libraryItemKey = (itemId) => `library-item:${itemId}`;
/** {body, fetched_at}: a team's drafts and shared items as last read (its leads and coaches), one key per team. */
export const teamSharedKey = (teamId) => `team-shared:${teamId}`;
/** {body, fetched_at}: a team's weekly rota as last read (data/kept.js), one key per team. */
export const teamRotaKey = (teamId) => `team-rota:${teamId}`;
