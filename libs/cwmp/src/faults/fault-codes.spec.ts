import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import { parseEnvelope, serializeEnvelope } from '../codec/envelope.codec';
import {
  AcsFaultCode,
  CpeFaultCode,
  STANDARD_FAULTS,
  acsFaultFor,
  buildFault,
  faultEnvelope,
  faultInfo,
  soapFaultCodeOf,
} from './fault-codes';

describe('fault codes', () => {
  it('covers 8000–8006 and 9000–9032 with their standard strings', () => {
    const codes = STANDARD_FAULTS.map((f) => f.code);
    expect(codes).toEqual([
      ...Array.from({ length: 7 }, (_, i) => 8000 + i),
      ...Array.from({ length: 33 }, (_, i) => 9000 + i),
    ]);
    expect(faultInfo(CpeFaultCode.NonWritableParameter).faultString).toBe(
      'Attempt to set a non-writable parameter',
    );
    expect(faultInfo(AcsFaultCode.RetryRequest).faultString).toBe('Retry request');
    expect(faultInfo(9850)).toEqual({
      code: 9850,
      faultString: 'Vendor fault',
      soapFaultCode: 'Server',
    });
  });

  it.each([
    [9003, 'Client'],
    [9005, 'Client'],
    [9006, 'Client'],
    [9007, 'Client'],
    [9008, 'Client'],
    [8003, 'Client'],
    [9000, 'Server'],
    [9004, 'Server'],
    [9009, 'Server'],
    [9032, 'Server'],
    [9800, 'Server'],
    [8000, 'Server'],
    [8005, 'Server'],
  ])('%i is a %s fault', (code, kind) => {
    expect(soapFaultCodeOf(code)).toBe(kind);
  });

  it('builds a SetParameterValues fault envelope that parses back, echoing the ID', () => {
    const env = faultEnvelope({
      version: '1.0',
      id: 'req-1',
      code: CpeFaultCode.InvalidArguments,
      setParameterValuesFault: [
        {
          parameterName: 'Device.X',
          faultCode: CpeFaultCode.InvalidParameterType,
          faultString: 'Invalid parameter type',
        },
      ],
    });
    const parsed = parseEnvelope(serializeEnvelope(env));
    expect(parsed.header.id).toBe('req-1');
    expect(parsed.body).toEqual({
      type: 'Fault',
      faultCode: 'Client',
      faultString: 'CWMP fault',
      detail: {
        faultCode: 9003,
        faultString: 'Invalid arguments',
        setParameterValuesFault: [
          { parameterName: 'Device.X', faultCode: 9006, faultString: 'Invalid parameter type' },
        ],
      },
    });
  });

  it('omits an empty SetParameterValuesFault list and refuses non-CWMP codes', () => {
    expect(buildFault(8005)).toEqual({
      type: 'Fault',
      faultCode: 'Server',
      faultString: 'CWMP fault',
      detail: { faultCode: 8005, faultString: 'Retry request' },
    });
    expect(() => buildFault(500)).toThrow(CwmpError);
  });

  it('maps parse errors to the ACS fault the gateway answers', () => {
    expect(acsFaultFor(new CwmpError(CwmpErrorCode.UnknownMethod, 'x'))).toBe(8000);
    expect(acsFaultFor(new CwmpError(CwmpErrorCode.LimitExceeded, 'x'))).toBe(8004);
    expect(acsFaultFor(new CwmpError(CwmpErrorCode.InvalidMessage, 'x'))).toBe(8003);
  });
});
