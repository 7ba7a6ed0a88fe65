import type Database from 'better-sqlite3-multiple-ciphers';

/** The open venue database. A leaf of its own so that store helpers can name it without importing the opener. */
export type VenueDb = Database.Database;
