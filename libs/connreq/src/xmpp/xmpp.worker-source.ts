import { XMPP_CONNREQ_NS } from './xmpp-connreq.types';

// @xmpp/client is ESM-only. Node 24 loads it with require(esm), but Jest's CommonJS sandbox
// cannot (it needs --experimental-vm-modules), and the client's XML parsing and reconnect timers
// are better kept off the fan-out's event loop anyway: the client runs in a worker thread, and
// this is the worker's code (plain CommonJS, evaluated with `new Worker(source, { eval: true })`).
// Messages in:  {op:'request', id, jid, username, password, timeoutMs} | {op:'stop'}
//               {op:'behaviour', value}  (responder role only)
// Messages out: {type:'status', status} | {type:'error', message} | {type:'reply', id, ok, condition?, message?}
//               {type:'served', from, username, outcome}  (responder role only)
export const XMPP_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { client, xml } = createRequire(workerData.resolveFrom)('@xmpp/client');
const NS = ${JSON.stringify(XMPP_CONNREQ_NS)};
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const o = workerData.options;
const x = client({ service: o.service, domain: o.domain, username: o.username, password: o.password, resource: o.resource });
const post = (m) => parentPort.postMessage(m);
let stopping = false;
let behaviour = workerData.behaviour || 'accept';
x.on('error', (e) => post({ type: 'error', message: String(e && e.message || e) }));
x.on('status', (s) => post({ type: 'status', status: s }));
if (workerData.role === 'responder') {
  x.iqCallee.get(NS, 'connectionRequest', (ctx) => {
    const el = ctx.element;
    const u = el.getChildText('username');
    const p = el.getChildText('password');
    let outcome = behaviour;
    if (outcome === 'accept' && (u !== workerData.expect.username || p !== workerData.expect.password)) outcome = 'not-authorized';
    post({ type: 'served', from: ctx.from ? ctx.from.toString() : '', username: u, outcome });
    if (outcome === 'accept') return true;
    return xml('error', { type: outcome === 'not-authorized' ? 'auth' : 'cancel' }, xml(outcome, STANZAS));
  });
}
function start(delay) {
  x.start().catch((e) => {
    post({ type: 'error', message: String(e && e.message || e) });
    if (!stopping && x.status !== 'online') setTimeout(() => { if (!stopping && x.status === 'offline') start(Math.min(delay * 2, 10000)); }, delay);
  });
}
start(500);
parentPort.on('message', async (m) => {
  if (m.op === 'behaviour') { behaviour = m.value; return; }
  if (m.op === 'stop') {
    stopping = true;
    try { await x.stop(); } catch (e) { /* already offline */ }
    post({ type: 'stopped' });
    return;
  }
  if (m.op !== 'request') return;
  try {
    const iq = xml('iq', { type: 'get', to: m.jid },
      xml('connectionRequest', { xmlns: NS }, xml('username', {}, m.username), xml('password', {}, m.password)));
    await x.iqCaller.request(iq, m.timeoutMs);
    post({ type: 'reply', id: m.id, ok: true });
  } catch (e) {
    post({ type: 'reply', id: m.id, ok: false, condition: e && e.condition, name: e && e.name, message: String(e && e.message || e) });
  }
});
`;
