// @acs/events — what the CWMP gateway puts on the bus and reads from the session inbox: topic and
// header names, versioned event schemas, a bigint/bytes-lossless JSON codec, the inbox entry
// format and device id derivation. Pure: no I/O. See docs/gateway.md.
export * from './events.error';
export * from './topics';
export * from './json.codec';
export * from './device-id';
export * from './event.schemas';
export * from './inbox.codec';
