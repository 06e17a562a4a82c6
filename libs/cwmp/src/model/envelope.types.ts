import type { AcsMethodRequest, AcsMethodResponse } from './acs-methods.types';
import type { CpeMethodRequest, CpeMethodResponse } from './cpe-methods.types';

/** CWMP protocol versions (TR-069 Amendment 1…6). 1.3 and 1.4 still use the cwmp-1-2 namespace. */
export type CwmpVersion = '1.0' | '1.1' | '1.2' | '1.3' | '1.4';

export const CWMP_VERSIONS: readonly CwmpVersion[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];

export interface CwmpHeader {
  /** cwmp:ID, echoed in the response (TR-069 A.3.1.1). */
  readonly id?: string;
  /** cwmp:HoldRequests, ACS→CPE only. */
  readonly holdRequests?: boolean;
  /** cwmp:SessionTimeout in seconds, CPE→ACS, CWMP 1.3+. */
  readonly sessionTimeout?: number;
  /** cwmp:SupportedCWMPVersions, CPE→ACS in the Inform, CWMP 1.4 (e.g. ['1.0','1.2','1.4']). */
  readonly supportedCwmpVersions?: readonly string[];
  /** cwmp:UseCWMPVersion, ACS→CPE in the InformResponse, CWMP 1.4. */
  readonly useCwmpVersion?: string;
}

export interface SetParameterValuesFault {
  readonly parameterName: string;
  readonly faultCode: number;
  readonly faultString?: string;
}

/** The cwmp:Fault element inside soap:Fault/detail (TR-069 A.5). */
export interface CwmpFaultDetail {
  readonly faultCode: number;
  readonly faultString?: string;
  readonly setParameterValuesFault?: readonly SetParameterValuesFault[];
}

/** A SOAP 1.1 Fault carrying a CWMP fault (TR-069 A.5). */
export interface Fault {
  readonly type: 'Fault';
  /** SOAP faultcode without prefix: `Client` or `Server`. */
  readonly faultCode: string;
  /** SOAP faultstring, `CWMP fault` by convention. */
  readonly faultString: string;
  /** Absent only when a device sends a bare SOAP fault. */
  readonly detail?: CwmpFaultDetail;
}

/** Every CWMP body this codec reads and writes, discriminated on `type` (= the element's local name). */
export type CwmpMessage =
  CpeMethodRequest | CpeMethodResponse | AcsMethodRequest | AcsMethodResponse | Fault;

export type CwmpMessageType = CwmpMessage['type'];

export type CwmpMessageOf<T extends CwmpMessageType> = Extract<CwmpMessage, { type: T }>;

export interface CwmpEnvelope<M extends CwmpMessage = CwmpMessage> {
  readonly version: CwmpVersion;
  /** The cwmp namespace URN the envelope uses, e.g. `urn:dslforum-org:cwmp-1-2`. */
  readonly namespace: string;
  readonly header: CwmpHeader;
  readonly body: M;
}
