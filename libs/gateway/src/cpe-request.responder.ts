import type { CwmpMessage } from '@acs/cwmp';
import type { CpeRequest } from './session.state-machine';

/** TR-069 A.3.1 Table 5: the ACS methods this gateway implements (GetRPCMethodsResponse). */
export const ACS_METHODS: readonly string[] = [
  'Inform',
  'GetRPCMethods',
  'TransferComplete',
  'AutonomousTransferComplete',
  'RequestDownload',
  'Kicked',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
];

/**
 * The ACS's answer to a CPE-originated request (TR-069 A.3.3/A.4.2). Acting on the request
 * (e.g. scheduling the download a RequestDownload asks for) is provisioning's job, from the event.
 */
export function responseTo(request: CpeRequest): CwmpMessage {
  switch (request.type) {
    case 'GetRPCMethods':
      return { type: 'GetRPCMethodsResponse', methodList: ACS_METHODS };
    case 'TransferComplete':
      return { type: 'TransferCompleteResponse' };
    case 'AutonomousTransferComplete':
      return { type: 'AutonomousTransferCompleteResponse' };
    case 'RequestDownload':
      return { type: 'RequestDownloadResponse' };
    case 'Kicked':
      // TR-069 A.4.2.2: NextURL is where the CPE's browser goes next; echo the CPE's own `next`.
      return { type: 'KickedResponse', nextUrl: request.next };
    case 'DUStateChangeComplete':
      return { type: 'DUStateChangeCompleteResponse' };
    case 'AutonomousDUStateChangeComplete':
      return { type: 'AutonomousDUStateChangeCompleteResponse' };
  }
}
