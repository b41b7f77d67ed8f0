/**
 * Opens a SQLite database the way every Candor store (registry, lineage, call cache, run journal)
 * wants it: WAL (readers never block the writer, a killed process loses nothing committed; NORMAL
 * sync keeps every commit across a process kill, only an OS crash could drop the last ones) and a
 * busy timeout, because two sweep arms in two processes write to the same files at once.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}
