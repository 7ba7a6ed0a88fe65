import type { Migration } from './migration';

/**
 * The reader's health per desk and day (issue 18): reads attempted, misreads
 * refused, camera sights that gave nothing, and the seconds from a ticket
 * entering the camera's view to its card, as a histogram of 0.1 s buckets
 * (JSON array; the last bucket holds 10 s and longer). Counts only: never a
 * ticket number or anything read. (9 is left for another change in flight.)
 */
export const m010ReaderHealth: Migration = {
  version: 10,
  name: 'reader health per desk',
  sql: /* sql */ `
CREATE TABLE reader_health (
  day             TEXT NOT NULL,
  desk_id         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  misreads        INTEGER NOT NULL DEFAULT 0 CHECK (misreads >= 0),
  failed_sights   INTEGER NOT NULL DEFAULT 0 CHECK (failed_sights >= 0),
  to_card_hist    TEXT NOT NULL DEFAULT '[]',
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (day, desk_id)
) STRICT;
`,
};
