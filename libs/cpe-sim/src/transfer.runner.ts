import type { OpResult, TransferFault } from '@acs/cwmp';
import { KEPT_BYTES, type FileTransferClient } from './file-transfer.client';
import type { DeferredAction, SimulatedCpe } from './simulated-cpe';

type DownloadAction = Extract<DeferredAction, { kind: 'download' }>;
type UploadAction = Extract<DeferredAction, { kind: 'upload' }>;
type DuAction = Extract<DeferredAction, { kind: 'duChange' }>;

/** A firmware image declares its version on its first line: `ACS-FIRMWARE <version>`. */
export const FIRMWARE_MAGIC = 'ACS-FIRMWARE ';

export interface TransferResult {
  readonly fault: TransferFault;
  /** Set when a firmware image was installed: the CPE reboots into it. */
  readonly newSoftwareVersion?: string;
}

const OK: TransferFault = { faultCode: 0, faultString: '' };

/** Performs a Download (TR-069 A.3.2.8) and returns the TransferComplete fault (0 = success). */
export async function performDownload(
  cpe: SimulatedCpe,
  a: DownloadAction,
  files: FileTransferClient,
): Promise<TransferResult> {
  let res;
  try {
    res = await files.get(a.url, a.username, a.password);
  } catch (e) {
    return {
      fault: {
        faultCode: 9015,
        faultString: `cannot contact file server: ${(e as Error).message}`,
      },
    };
  }
  if (res.status === 401 || res.status === 403)
    return {
      fault: {
        faultCode: 9012,
        faultString: `file server refused credentials (HTTP ${res.status})`,
      },
    };
  if (res.status < 200 || res.status > 299)
    return { fault: { faultCode: 9016, faultString: `cannot access file (HTTP ${res.status})` } };
  // TR-069 A.3.2.8: FileSize 0 means unknown; otherwise a mismatch means a corrupt transfer.
  if (a.fileSize > 0 && res.size !== a.fileSize)
    return {
      fault: { faultCode: 9018, faultString: `size ${res.size} != FileSize ${a.fileSize}` },
    };
  if (a.fileType === '1 Firmware Upgrade Image') {
    const head = res.body.subarray(0, 128).toString('latin1');
    if (!head.startsWith(FIRMWARE_MAGIC))
      return { fault: { faultCode: 9018, faultString: 'not a firmware image' } };
    const version = head.slice(FIRMWARE_MAGIC.length).split(/\r?\n/)[0]?.trim() ?? '';
    if (version === '' || version.length > 64)
      return { fault: { faultCode: 9018, faultString: 'bad firmware version' } };
    return { fault: OK, newSoftwareVersion: version };
  }
  if (a.fileType === '3 Vendor Configuration File') {
    // The vendor config format is the Upload's: a JSON object of parameter path → value.
    if (res.size > KEPT_BYTES)
      return { fault: { faultCode: 9018, faultString: 'vendor configuration file too large' } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      return { fault: { faultCode: 9018, faultString: 'vendor configuration file is not valid' } };
    }
    if (typeof parsed !== 'object' || parsed === null)
      return {
        fault: { faultCode: 9018, faultString: 'vendor configuration file is not an object' },
      };
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
      if (typeof v === 'string' && cpe.model.resolve(k)?.kind === 'parameter')
        cpe.model.write(k, v);
  }
  return { fault: OK };
}

/** Performs an Upload: HTTP PUT of the vendor configuration (or log) file. */
export async function performUpload(
  cpe: SimulatedCpe,
  a: UploadAction,
  files: FileTransferClient,
): Promise<TransferResult> {
  const body = Buffer.from(
    a.fileType.startsWith('2')
      ? `${cpe.deviceId} boot ${cpe.bootCount}\n`
      : JSON.stringify(cpe.model.exportConfig()),
  );
  try {
    const res = await files.put(a.url, a.username, a.password, body);
    if (res.status === 401 || res.status === 403)
      return {
        fault: {
          faultCode: 9012,
          faultString: `file server refused credentials (HTTP ${res.status})`,
        },
      };
    if (res.status < 200 || res.status > 299)
      return { fault: { faultCode: 9011, faultString: `upload failed (HTTP ${res.status})` } };
  } catch (e) {
    return {
      fault: {
        faultCode: 9015,
        faultString: `cannot contact file server: ${(e as Error).message}`,
      },
    };
  }
  return { fault: OK };
}

/** ChangeDUState in a simple model (TR-069 A.4.1.10): a map of installed units by UUID. */
export function performDuChange(
  cpe: SimulatedCpe,
  a: DuAction,
  now: string,
  newUuid: () => string,
): OpResult[] {
  const units = (cpe.deploymentUnits ??= new Map());
  return a.request.operations.map((op): OpResult => {
    const base = {
      version: '1.0',
      resolved: true,
      executionUnitRefList: '',
      startTime: now,
      completeTime: now,
    };
    const failed = (uuid: string, faultCode: number, faultString: string): OpResult => ({
      ...base,
      uuid,
      deploymentUnitRef: '',
      currentState: 'Failed',
      fault: { faultCode, faultString },
    });
    const ref = (uuid: string): string =>
      `${cpe.model.root}SoftwareModules.DeploymentUnit.${[...units.keys()].indexOf(uuid) + 1}.`;
    switch (op.op) {
      case 'Install': {
        const uuid = op.uuid !== undefined && op.uuid !== '' ? op.uuid : newUuid();
        if (units.has(uuid)) return failed(uuid, 9026, 'Duplicate deployment unit');
        units.set(uuid, op.url);
        return {
          ...base,
          uuid,
          deploymentUnitRef: ref(uuid),
          currentState: 'Installed',
          fault: { faultCode: 0 },
        };
      }
      case 'Update': {
        const uuid = op.uuid ?? '';
        if (!units.has(uuid)) return failed(uuid, 9028, 'Unknown deployment unit');
        if (op.url !== undefined) units.set(uuid, op.url);
        return {
          ...base,
          uuid,
          deploymentUnitRef: ref(uuid),
          currentState: 'Installed',
          fault: { faultCode: 0 },
        };
      }
      case 'Uninstall': {
        if (!units.has(op.uuid)) return failed(op.uuid, 9028, 'Unknown deployment unit');
        const r = ref(op.uuid);
        units.delete(op.uuid);
        return {
          ...base,
          uuid: op.uuid,
          deploymentUnitRef: r,
          currentState: 'Uninstalled',
          fault: { faultCode: 0 },
        };
      }
    }
  });
}
