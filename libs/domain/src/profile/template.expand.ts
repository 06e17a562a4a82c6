import { DomainError, DomainErrorCode } from '../domain.error';
import type { DeviceState } from '../device/device-state.types';

// `{{serialNumber}}` style templates in declared values, filled from the device's id facts. The
// variable set is closed, so a typo fails when the profile is loaded, not in a session.

export const TEMPLATE_VARIABLES = [
  'deviceId',
  'oui',
  'productClass',
  'serialNumber',
  'manufacturer',
  'softwareVersion',
  'hardwareVersion',
  'provisioningCode',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const VARIABLE = /\{\{\s*([A-Za-z0-9_]*)\s*\}\}/g;
const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);

/** The unknown variable names a template uses (empty = valid). */
export function unknownTemplateVariables(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(VARIABLE)) {
    const name = m[1] ?? '';
    if (!KNOWN.has(name)) out.push(name);
  }
  return out;
}

export function templateValues(state: DeviceState): Record<TemplateVariable, string> {
  return {
    deviceId: state.id,
    oui: state.facts.oui,
    productClass: state.facts.productClass,
    serialNumber: state.facts.serialNumber,
    manufacturer: state.facts.manufacturer,
    softwareVersion: state.softwareVersion ?? '',
    hardwareVersion: state.hardwareVersion ?? '',
    provisioningCode: state.provisioningCode ?? '',
  };
}

/** Fills every `{{variable}}`; throws DomainError(InvalidTemplate) on an unknown one. */
export function expandTemplate(
  template: string,
  values: Readonly<Record<TemplateVariable, string>>,
): string {
  if (!template.includes('{{')) return template;
  return template.replace(VARIABLE, (_, name: string) => {
    if (!KNOWN.has(name))
      throw new DomainError(DomainErrorCode.InvalidTemplate, `unknown template variable ${name}`);
    return values[name as TemplateVariable];
  });
}
