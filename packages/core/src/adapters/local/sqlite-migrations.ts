// Schema of the local SQLite file shared by every local adapter, as an append-only list of migrations.

/**
 * Migration N (1-based) brings `user_version` from N-1 to N. Never edit or reorder a shipped entry: a database
 * already at version N would silently miss the change. Append a new entry instead.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: every table of the local adapters.
  `
  CREATE TABLE journal_rows (
    owner      TEXT    NOT NULL,
    sheet_id   TEXT    NOT NULL,
    tab        TEXT    NOT NULL,
    row_number INTEGER NOT NULL CHECK (row_number >= 1),
    cells      TEXT    NOT NULL CHECK (json_valid(cells) AND json_type(cells) = 'array'),
    PRIMARY KEY (owner, sheet_id, tab, row_number)
  ) WITHOUT ROWID;

  CREATE TABLE media (
    owner      TEXT    NOT NULL,
    id         TEXT    NOT NULL CHECK (length(id) = 64),
    filename   TEXT    NOT NULL,
    mime_type  TEXT    NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (owner, id)
  ) WITHOUT ROWID;

  CREATE TABLE api_keys (
    key_hash   TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_by_user ON api_keys (user_id) WHERE revoked_at IS NULL;

  CREATE TABLE idempotency_keys (
    owner           TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('in_progress', 'done')),
    response_status INTEGER,
    response_body   TEXT,
    created_at      TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

  CREATE TABLE jobs (
    job_id     TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    stage      TEXT NOT NULL,
    progress   REAL NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    request    TEXT NOT NULL,
    error      TEXT,
    result     TEXT
  );
  CREATE INDEX jobs_by_user ON jobs (user_id, created_at DESC);

  CREATE TABLE queue_messages (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id       TEXT    NOT NULL UNIQUE,
    body             TEXT    NOT NULL,
    sent_at          INTEGER NOT NULL,
    visible_at       INTEGER NOT NULL,
    receive_count    INTEGER NOT NULL DEFAULT 0,
    receipt_handle   TEXT UNIQUE,
    dead_lettered_at INTEGER
  );
  CREATE INDEX queue_messages_ready ON queue_messages (visible_at) WHERE dead_lettered_at IS NULL;

  CREATE TABLE oauth_tokens (
    user_id    TEXT PRIMARY KEY,
    ciphertext TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: Google connections (the account a user is bound to, tokens as ciphertext) and single-use OAuth nonces. No
  // release ever wrote `oauth_tokens` (Google mode did not exist), so it is replaced rather than migrated.
  `
  DROP TABLE oauth_tokens;

  CREATE TABLE google_connections (
    user_id    TEXT PRIMARY KEY,
    subject    TEXT NOT NULL UNIQUE,
    email      TEXT,
    ciphertext TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('connected', 'broken')),
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE oauth_nonces (
    nonce      TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX oauth_nonces_expiry ON oauth_nonces (expires_at);
  `,
  // 3: each user's weekly proactive analysis. The weekly run reads only the enabled ones, through the partial index.
  `
  CREATE TABLE weekly_schedules (
    user_id     TEXT    PRIMARY KEY,
    sheet_id    TEXT    NOT NULL,
    sheet_range TEXT    NOT NULL,
    prompt      TEXT    NOT NULL,
    timezone    TEXT    NOT NULL,
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX weekly_schedules_enabled ON weekly_schedules (user_id) WHERE enabled = 1;
  `,
  // 4: share links of reports, listed by job. Timestamps are ISO 8601 in UTC, so they compare as text.
  `
  CREATE TABLE share_links (
    share_id   TEXT PRIMARY KEY CHECK (length(share_id) = 22),
    job_id     TEXT NOT NULL,
    owner      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  ) WITHOUT ROWID;
  CREATE INDEX share_links_by_job ON share_links (job_id, owner, created_at);
  CREATE INDEX share_links_by_expiry ON share_links (expires_at);
  `,
  // 5: idempotency entries gain the `outcome_unknown` state (the request ran, its response could not be stored) and the
  // response headers a replay repeats (SQLite cannot widen a CHECK in place, so the table is rebuilt); unfinished jobs
  // get an index for the start-up reconciliation.
  `
  CREATE TABLE idempotency_keys_v5 (
    owner            TEXT    NOT NULL,
    key              TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('in_progress', 'done', 'outcome_unknown')),
    response_status  INTEGER,
    response_body    TEXT,
    response_headers TEXT,
    created_at       TEXT    NOT NULL,
    expires_at       INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
  ) WITHOUT ROWID;
  INSERT INTO idempotency_keys_v5 (owner, key, fingerprint, state, response_status, response_body, created_at, expires_at)
    SELECT owner, key, fingerprint, state, response_status, response_body, created_at, expires_at FROM idempotency_keys;
  DROP TABLE idempotency_keys;
  ALTER TABLE idempotency_keys_v5 RENAME TO idempotency_keys;
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

  CREATE INDEX jobs_unfinished ON jobs (updated_at) WHERE status IN ('queued', 'running');
  `,
  // 6: a media record counts the puts holding it (one per trade that attached the bytes, or is attaching them now), so
  // that undoing one put leaves the file to the others. Records made before held one put each.
  `
  ALTER TABLE media ADD COLUMN puts INTEGER NOT NULL DEFAULT 1 CHECK (puts >= 1);
  `,
];
