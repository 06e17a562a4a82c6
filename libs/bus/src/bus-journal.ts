/** A message as the in-process bus keeps it. */
export interface JournalMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
}

export interface JournalState {
  topics: { name: string; partitions: number }[];
  /** First retained offset of each partition (older ones were trimmed). */
  bases: { topic: string; partition: number; base: number }[];
  messages: JournalMessage[];
  commits: { group: string; topic: string; partition: number; offset: number }[];
}

/**
 * Durable backing for the in-process bus (the all-in-one ACS): what was
 * published and what each group committed survive a restart. Calls are
 * synchronous so `publish` has written the journal before it resolves.
 */
export interface BusJournal {
  load(): JournalState;
  createTopic(name: string, partitions: number): void;
  append(messages: readonly JournalMessage[]): void;
  commit(group: string, topic: string, partition: number, offset: number): void;
  /** Forgets messages below `base` of a partition. */
  trim(topic: string, partition: number, base: number): void;
  close(): void;
}
