import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { BusJournal, JournalMessage, JournalState } from './bus-journal';

/**
 * SQLite journal (Node's built-in `node:sqlite`) for the all-in-one ACS.
 * WAL with synchronous=NORMAL: a published message survives a crash of the
 * process (the write is in the OS before publish resolves); an OS crash may
 * lose the last transactions, which is the embedded mode's documented limit.
 */
export class SqliteBusJournal implements BusJournal {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly upsertCommit: StatementSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS bases (topic TEXT, partition INTEGER, base INTEGER NOT NULL, PRIMARY KEY (topic, partition));
      CREATE TABLE IF NOT EXISTS messages (
        topic TEXT, partition INTEGER, offset INTEGER, key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL,
        PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS commits (grp TEXT, topic TEXT, partition INTEGER, offset INTEGER NOT NULL,
        PRIMARY KEY (grp, topic, partition));
    `);
    this.insert = this.db.prepare(
      'INSERT INTO messages (topic, partition, offset, key, value, headers) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertCommit = this.db.prepare(
      'INSERT INTO commits (grp, topic, partition, offset) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (grp, topic, partition) DO UPDATE SET offset = excluded.offset',
    );
  }

  load(): JournalState {
    const topics = this.db.prepare('SELECT name, partitions FROM topics').all() as { name: string; partitions: number }[];
    const bases = this.db.prepare('SELECT topic, partition, base FROM bases').all() as JournalState['bases'];
    const rows = this.db
      .prepare('SELECT topic, partition, offset, key, value, headers FROM messages ORDER BY topic, partition, offset')
      .all() as { topic: string; partition: number; offset: number; key: string; value: Uint8Array; headers: string }[];
    const messages: JournalMessage[] = rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      key: r.key,
      value: Buffer.from(r.value),
      headers: JSON.parse(r.headers) as Record<string, string>,
    }));
    const commits = (
      this.db.prepare('SELECT grp, topic, partition, offset FROM commits').all() as {
        grp: string;
        topic: string;
        partition: number;
        offset: number;
      }[]
    ).map((c) => ({ group: c.grp, topic: c.topic, partition: c.partition, offset: c.offset }));
    return { topics: topics.map((t) => ({ name: t.name, partitions: t.partitions })), bases, messages, commits };
  }

  createTopic(name: string, partitions: number): void {
    this.db.prepare('INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)').run(name, partitions);
  }

  append(messages: readonly JournalMessage[]): void {
    this.db.exec('BEGIN');
    try {
      for (const m of messages) {
        this.insert.run(m.topic, m.partition, m.offset, m.key, m.value, JSON.stringify(m.headers));
      }
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  commit(group: string, topic: string, partition: number, offset: number): void {
    this.upsertCommit.run(group, topic, partition, offset);
  }

  trim(topic: string, partition: number, base: number): void {
    this.db.prepare('DELETE FROM messages WHERE topic = ? AND partition = ? AND offset < ?').run(topic, partition, base);
    this.db
      .prepare(
        'INSERT INTO bases (topic, partition, base) VALUES (?, ?, ?) ' +
          'ON CONFLICT (topic, partition) DO UPDATE SET base = excluded.base',
      )
      .run(topic, partition, base);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
