import { apiMethods } from '@acs/proto';
import { METHOD_ROLES, requiredRole, roleAllows } from './roles.table';

describe('METHOD_ROLES', () => {
  it('has a role for every method of every service', () => {
    for (const m of apiMethods()) {
      const key = m.method.charAt(0).toLowerCase() + m.method.slice(1);
      expect({ path: m.path, role: requiredRole(m.service, key) ?? 'none' }).toEqual({
        path: m.path,
        role: expect.stringMatching(/^(viewer|operator|admin)$/) as unknown,
      });
    }
    const rows = Object.values(METHOD_ROLES).flatMap((s) => Object.keys(s));
    expect(rows).toHaveLength(apiMethods().length);
  });

  it('lets viewers only read', () => {
    for (const m of apiMethods()) {
      const key = m.method.charAt(0).toLowerCase() + m.method.slice(1);
      if (requiredRole(m.service, key) === 'viewer') expect(m.method).toMatch(/^(Get|List|Watch)/);
    }
  });
});

describe(roleAllows.name, () => {
  it('orders viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('operator', 'admin')).toBe(false);
  });
});
