import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Profile } from '@acs/domain';
import { DomainError, loadProfiles } from '@acs/domain';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';

const FORMATS: Readonly<Record<string, 'json' | 'yaml'>> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

/**
 * Reads every `*.json`, `*.yaml`, `*.yml` file of a directory (not recursive, sorted by name) as
 * one profile or a list of profiles. The first invalid file fails the whole import, naming the
 * file and the field, so a service never starts with half its profiles.
 */
export async function loadProfileDirectory(directory: string): Promise<Profile[]> {
  const names = (await readdir(directory)).sort();
  const out: Profile[] = [];
  for (const name of names) {
    const ext = name.slice(name.lastIndexOf('.')).toLowerCase();
    const format = FORMATS[ext];
    if (format === undefined) continue;
    const text = await readFile(join(directory, name), 'utf8');
    try {
      out.push(...loadProfiles(text, format));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      throw new ProvisioningError(
        ProvisioningErrorCode.InvalidProfile,
        `${name}: ${e.message}`,
        e.issues,
      );
    }
  }
  return out;
}
