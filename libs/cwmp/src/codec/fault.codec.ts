import type { CwmpFaultDetail, Fault, SetParameterValuesFault } from '../model/envelope.types';
import { escapeText } from '../xml/xml-escape';
import type { XmlElement } from '../xml/xml-tokenizer';
import { leafText, localOf, str, uint, type DecodeContext, type EncodeContext } from './codec';
import { many, one, optional, struct } from './struct.codec';

// SOAP 1.1 §4.4 Fault with the CWMP detail of TR-069 A.5 / cwmp-1-2.xsd element Fault.

const spvFault = struct<SetParameterValuesFault>({
  parameterName: one('ParameterName', str),
  faultCode: one('FaultCode', uint),
  faultString: optional('FaultString', str),
});

type FaultDetailWire = Omit<CwmpFaultDetail, 'setParameterValuesFault'> & {
  readonly setParameterValuesFault: readonly SetParameterValuesFault[];
};

const cwmpFault = struct<FaultDetailWire>({
  faultCode: one('FaultCode', uint),
  faultString: optional('FaultString', str),
  setParameterValuesFault: many('SetParameterValuesFault', spvFault),
});

export function decodeFault(el: XmlElement, ctx: DecodeContext): Fault {
  let faultCode = '';
  let faultString = '';
  let detail: CwmpFaultDetail | undefined;
  for (const c of el.children) {
    switch (c.local) {
      case 'faultcode':
        // QName: `Client`, `soap:Client`, `SOAP-ENV:Server`...
        faultCode = localOf(leafText(c, ctx));
        break;
      case 'faultstring':
        faultString = leafText(c, ctx);
        break;
      case 'detail': {
        const f = c.children.find((d) => d.local === 'Fault');
        if (f !== undefined) {
          const d = cwmpFault.decode(f, ctx);
          // Keep the model small: no empty SetParameterValuesFault list on ordinary faults.
          detail =
            d.setParameterValuesFault.length === 0
              ? {
                  faultCode: d.faultCode,
                  ...(d.faultString === undefined ? {} : { faultString: d.faultString }),
                }
              : d;
        }
        break;
      }
    }
  }
  return detail === undefined
    ? { type: 'Fault', faultCode, faultString }
    : { type: 'Fault', faultCode, faultString, detail };
}

export function encodeFault(f: Fault, ctx: EncodeContext): string {
  let s = `<soap-env:Fault><faultcode>${escapeText(f.faultCode)}</faultcode><faultstring>${escapeText(f.faultString)}</faultstring>`;
  if (f.detail !== undefined) {
    const d: FaultDetailWire = {
      ...f.detail,
      setParameterValuesFault: f.detail.setParameterValuesFault ?? [],
    };
    s += `<detail>${cwmpFault.encode('cwmp:Fault', d, ctx)}</detail>`;
  }
  return s + '</soap-env:Fault>';
}
