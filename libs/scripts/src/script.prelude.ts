// Evaluated in each fresh QuickJS context before the profile's script. It receives the host
// bridge (device facts as JSON text, two read-only look-ups) and returns the function that
// collects the declarations as JSON text. Everything it installs is frozen; the bridge functions
// stay in its closure, so the script only reaches them through `device.value`/`device.instances`.
//
// Determinism (replay): `Date` is replaced by one whose "now" is the session's clock and
// `Math.random` by a seeded mulberry32 generator; QuickJS has no other clock or entropy source
// reachable from script (no std/os modules, no timers). The real Date constructor is only kept
// in this closure (Date.prototype.constructor points at the replacement).

export const SCRIPT_PRELUDE = String.raw`(function (infoJson, valueOf, instancesOf, NOW, SEED) {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const freeze = Object.freeze;
  const deepFreeze = (o) => {
    freeze(o);
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v);
    }
    return o;
  };

  const RealDate = Date;
  function FixedDate(...args) {
    if (new.target === undefined) return new RealDate(NOW).toString();
    return args.length === 0 ? new RealDate(NOW) : new RealDate(...args);
  }
  FixedDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FixedDate });
  FixedDate.now = () => NOW;
  FixedDate.UTC = RealDate.UTC;
  FixedDate.parse = RealDate.parse;
  freeze(FixedDate);
  Object.defineProperty(globalThis, 'Date', { value: FixedDate, writable: false, configurable: false });

  let s = SEED >>> 0;
  const random = function random() {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Object.defineProperty(Math, 'random', { value: random, writable: false, configurable: false });

  const out = { parameters: Object.create(null), objects: [], notifications: Object.create(null), actions: [] };
  const copy = (v) => (v === undefined ? undefined : parse(stringify(v)));

  const device = deepFreeze({
    ...parse(infoJson),
    value: (path) => valueOf(String(path)),
    instances: (table) => parse(instancesOf(String(table))),
  });

  const declare = freeze({
    parameter(path, value, type) {
      out.parameters[String(path)] = type === undefined ? copy(value) : { value: copy(value), type: String(type) };
    },
    object(o) {
      const d = copy(o) || {};
      out.objects.push({ key: {}, present: true, parameters: {}, ...d });
    },
    absent(path, key) {
      out.objects.push({ path: String(path), key: copy(key) || {}, present: false, parameters: {} });
    },
    notification(path, level) {
      out.notifications[String(path)] = copy(level);
    },
    action(a) {
      out.actions.push(copy(a));
    },
  });

  Object.defineProperty(globalThis, 'device', { value: device, writable: false, configurable: false });
  Object.defineProperty(globalThis, 'declare', { value: declare, writable: false, configurable: false });
  return () => stringify(out);
})`;
