import { DomainError } from '../domain.error';
import { device, TR181 } from '../testing/device.fixtures';
import { expandTemplate, templateValues, unknownTemplateVariables } from './template.expand';

describe(expandTemplate.name, () => {
  const vars = templateValues({ ...device('Device.', TR181), provisioningCode: 'PC1' });

  it.each([
    ['wifi-{{serialNumber}}', 'wifi-SN1'],
    ['{{ oui }}-{{productClass}}-{{serialNumber}}', '00D09E-HGW-SN1'],
    [
      '{{manufacturer}}/{{softwareVersion}}/{{hardwareVersion}}/{{provisioningCode}}',
      'Acme/1.0/hw1/PC1',
    ],
    ['{{deviceId}}', '00D09E-HGW-SN1'],
    ['no template', 'no template'],
    ['{single}', '{single}'],
  ])('%s → %s', (t, want) => {
    expect(expandTemplate(t, vars)).toBe(want);
  });

  it('refuses an unknown variable', () => {
    expect(() => expandTemplate('{{serial}}', vars)).toThrow(DomainError);
    expect(unknownTemplateVariables('{{serial}} {{oui}} {{}}')).toEqual(['serial', '']);
  });
});
