export * from './bus.error';
export * from './event-bus.port';
export * from './event-bus.memory';
export * from './event-bus.kafka';
export * from './bus-journal';
export * from './bus-journal.sqlite';
