import type { CwmpVersion } from '../model/envelope.types';
import { CWMP_VERSIONS } from '../model/envelope.types';
import { namespaceOfVersion, versionOfNamespace } from './namespace';

export interface NegotiationInput {
  /** The cwmp namespace of the CPE's Inform (CwmpEnvelope.namespace). */
  readonly cpeNamespace: string;
  /** The CPE's cwmp:SupportedCWMPVersions header, if it sent one (CWMP 1.4). */
  readonly supportedCwmpVersions?: readonly string[];
  /** Versions this ACS speaks. */
  readonly acsVersions: readonly CwmpVersion[];
}

export type NegotiationResult =
  | {
      readonly ok: true;
      readonly version: CwmpVersion;
      /** Namespace to answer in. */
      readonly namespace: string;
      /** Value for the cwmp:UseCWMPVersion header of the InformResponse, when one must be sent. */
      readonly useCwmpVersion?: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Choose the version and namespace the ACS answers a session in (TR-069 A.3.1.4, Amendment 5).
 * With SupportedCWMPVersions the ACS picks the highest version both sides support and announces it
 * in UseCWMPVersion; with no common version the caller answers fault 8006. Without the header the
 * ACS answers in the Inform's own namespace (CWMP-NOTES), as long as it speaks that version.
 */
export function negotiateVersion(input: NegotiationInput): NegotiationResult {
  const acs = new Set(input.acsVersions);
  const offered = input.supportedCwmpVersions;
  if (offered !== undefined && offered.length > 0) {
    const common = CWMP_VERSIONS.filter((v) => acs.has(v) && offered.some((o) => o.trim() === v));
    const best = common[common.length - 1];
    if (best === undefined)
      return {
        ok: false,
        reason: `no common CWMP version (CPE: ${offered.join(',')}; ACS: ${[...acs].join(',')})`,
      };
    return { ok: true, version: best, namespace: namespaceOfVersion(best), useCwmpVersion: best };
  }
  const version = versionOfNamespace(input.cpeNamespace);
  if (version === undefined)
    return { ok: false, reason: `not a cwmp namespace: ${input.cpeNamespace}` };
  // A 1.3/1.4 CPE that sends cwmp-1-2 is still served by a 1.2-capable ACS: the namespace is the contract.
  const served = acs.has(version) || (version === '1.2' && (acs.has('1.3') || acs.has('1.4')));
  if (!served) return { ok: false, reason: `ACS does not speak CWMP ${version}` };
  return { ok: true, version, namespace: input.cpeNamespace };
}
