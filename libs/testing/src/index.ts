export * from './expect-eventually';
export * from './unique-name';
export * from './hostile-xml';
