import type { Migration } from './migration';

/**
 * The same lot added at two desks while both were offline: each desk gave it
 * an id of its own, and a venue holds a lot number of a product once
 * (lots.UNIQUE). When the other desk's lot arrives, its id becomes an alias
 * of the lot here, and everything the other desk recorded against it (doses,
 * the desk's active lot, vials opened) is kept against the lot here, so the
 * day report shows one lot line, not a line named by an unknown id.
 */
export const m008LotAliases: Migration = {
  version: 8,
  name: 'one lot added at two desks offline',
  sql: /* sql */ `
CREATE TABLE lot_aliases (
  alias_id  TEXT PRIMARY KEY,
  lot_id    TEXT NOT NULL REFERENCES lots(id)
) STRICT;
`,
};
