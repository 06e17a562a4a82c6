export * from './sessions.error';
export * from './session-registry.port';
export * from './session-registry.memory';
export * from './session-registry.redis';
