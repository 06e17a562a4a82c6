export * from './expect-eventually';
export * from './unique-name';
