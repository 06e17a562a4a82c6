import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { ApiKeyStore } from './auth/api-key.store';
import type { NbiLogger } from './nbi.ports';

export type BootstrapOutcome =
  | { readonly kind: 'exists' }
  | { readonly kind: 'created'; readonly id: string; readonly where: string }
  | { readonly kind: 'other-instance' };

/**
 * First start: no admin API key yet → create one and hand it out once, never a fixed default.
 * The key goes to `keyFile` (created 0600; `-` = stderr), and the log says where. A marker
 * document makes sure only one of several API pods starting together creates it.
 */
export async function bootstrapAdminKey(
  keys: ApiKeyStore,
  keyFile: string,
  logger: NbiLogger,
  stderr: (text: string) => void = (t) => process.stderr.write(t),
): Promise<BootstrapOutcome> {
  if (await keys.hasAdmin()) return { kind: 'exists' };
  try {
    await keys.claimBootstrap();
  } catch (e) {
    if (StoreError.is(e, StoreErrorCode.DuplicateKey)) return { kind: 'other-instance' };
    throw e;
  }
  const { doc, secret } = await keys.create('initial admin', 'admin', 'bootstrap');
  if (keyFile === '-') {
    stderr(
      `\nInitial NBI admin API key (shown once; store it, then create named keys with it):\n${secret}\n\n`,
    );
    return { kind: 'created', id: doc._id, where: 'stderr' };
  }
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  logger.info(
    { keyId: doc._id, file: keyFile },
    `initial NBI admin API key written to ${keyFile} (mode 0600): read it once, keep it safe, delete the file`,
  );
  return { kind: 'created', id: doc._id, where: keyFile };
}
