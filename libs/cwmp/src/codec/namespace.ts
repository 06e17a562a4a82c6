import type { CwmpVersion } from '../model/envelope.types';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_ENC_NS = 'http://schemas.xmlsoap.org/soap/encoding/';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const CWMP_NS = /^urn:dslforum-org:cwmp-1-(\d{1,3})$/;

/**
 * The protocol version a cwmp namespace URN stands for. Standard 1.3/1.4 CPEs use cwmp-1-2, but field
 * devices also send cwmp-1-3, cwmp-1-4 (CWMP-NOTES "Envelope"); any later 1-N is read as the newest known.
 */
export function versionOfNamespace(ns: string): CwmpVersion | undefined {
  const m = CWMP_NS.exec(ns);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return n === 0 ? '1.0' : n === 1 ? '1.1' : n === 2 ? '1.2' : n === 3 ? '1.3' : '1.4';
}

/** The namespace the standard assigns to a version: 1.3 and 1.4 extend the cwmp-1-2 schema (TR-069 Amd 4/5). */
export function namespaceOfVersion(v: CwmpVersion): string {
  switch (v) {
    case '1.0':
      return 'urn:dslforum-org:cwmp-1-0';
    case '1.1':
      return 'urn:dslforum-org:cwmp-1-1';
    case '1.2':
    case '1.3':
    case '1.4':
      return 'urn:dslforum-org:cwmp-1-2';
  }
}

export function isCwmpNamespace(ns: string): boolean {
  return CWMP_NS.test(ns);
}
