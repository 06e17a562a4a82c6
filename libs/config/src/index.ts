export * from './config.error';
export * from './config.loader';
export * from './infra.config';
