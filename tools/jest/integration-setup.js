// Jest globalSetup for the integration project: make sure the real services
// are running (starting them through the launcher when needed) and export
// their endpoints to the test workers. Endpoints already in the environment
// (KAFKA_BROKERS, REDIS_URL, MONGODB_URI, XMPP_*) win: that is how tests are
// pointed at existing servers.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function integrationSetup() {
  const launcher = path.join(__dirname, '..', '..', 'deploy', 'local', 'services');
  const wanted = ['KAFKA_BROKERS', 'REDIS_URL', 'MONGODB_URI', 'XMPP_SERVICE'];
  if (wanted.every((k) => process.env[k])) return;
  execFileSync(launcher, ['up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const out = execFileSync(launcher, ['env'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && !process.env[m[1]]) process.env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
};
