/** Wake-up commands, key = device id (docs/connection-requests.md). */
export const CONNREQ_WAKEUPS_TOPIC = 'acs.connreq.wakeups';
/** One result per finished wake-up, key = device id. */
export const CONNREQ_RESULTS_TOPIC = 'acs.connreq.results';
