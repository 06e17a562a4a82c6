import { handleCpeMethod, SIMULATED_METHODS } from './cpe.methods';
import { FIRMWARE_MAGIC } from './transfer.runner';
import { SimHarness } from './testing/sim-harness';

const MS = 'Device.ManagementServer.';

async function booted(h: SimHarness, group = {}): Promise<ReturnType<SimHarness['device']>> {
  const cpe = h.device(group);
  h.fleet.boot(cpe);
  await h.settle();
  return cpe;
}

describe(handleCpeMethod.name, () => {
  it('answers GetRPCMethods with every simulated method', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(cpe, { type: 'GetRPCMethods' });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(h.acs.sent('GetRPCMethodsResponse')[0]?.methodList).toEqual([...SIMULATED_METHODS]);
  });

  it('answers fault 9000 for a method the device group does not support', async () => {
    const h = new SimHarness();
    const cpe = await booted(h, { unsupportedMethods: ['Upload', 'ChangeDUState'] });
    h.acs.queue(
      cpe,
      {
        type: 'Upload',
        commandKey: 'u',
        fileType: '1 Vendor Configuration File',
        url: 'http://127.0.0.1/x',
        username: '',
        password: '',
        delaySeconds: 0,
      },
      { type: 'GetRPCMethods' },
      { type: 'GetOptions', optionName: '' },
    );
    h.fleet.connectionRequest(cpe);
    await h.settle();
    const [fault, rpc, options] = h.acs.responses();
    expect(fault).toMatchObject({ type: 'Fault', detail: { faultCode: 9000 } });
    expect(rpc?.type === 'GetRPCMethodsResponse' && rpc.methodList).not.toContain('Upload');
    expect(options).toMatchObject({ type: 'Fault', detail: { faultCode: 9000 } });
  });

  it('sets values, stores the ParameterKey, and reports it in the next Inform', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(cpe, {
      type: 'SetParameterValues',
      parameterKey: 'key-1',
      parameterList: [
        { name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'home' } },
      ],
    });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(h.acs.responses()).toEqual([{ type: 'SetParameterValuesResponse', status: 0 }]);
    h.clock.advance(2000);
    h.fleet.connectionRequest(cpe);
    await h.settle();
    const informs = h.acs.sent('Inform');
    expect(informs[2]?.parameterList).toContainEqual({
      name: `${MS}ParameterKey`,
      value: { type: 'string', value: 'key-1' },
    });
  });

  it('answers a failed SPV with 9003 and the SetParameterValuesFault list, leaving the key alone', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(cpe, {
      type: 'SetParameterValues',
      parameterKey: 'key-2',
      parameterList: [
        { name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'home' } },
        { name: 'Device.DeviceInfo.UpTime', value: { type: 'unsignedInt', value: 1 } },
      ],
    });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(h.acs.responses()[0]).toEqual({
      type: 'Fault',
      faultCode: 'Client',
      faultString: 'CWMP fault',
      detail: {
        faultCode: 9003,
        faultString: 'Invalid arguments',
        setParameterValuesFault: [
          {
            parameterName: 'Device.DeviceInfo.UpTime',
            faultCode: 9008,
            faultString: 'Attempt to set a non-writable parameter',
          },
        ],
      },
    });
    expect(cpe.model.rawRead(`${MS}ParameterKey`)).toBe('');
    expect(cpe.model.rawRead('Device.WiFi.SSID.1.SSID')).not.toBe('home');
  });

  it('answers GPN, GPV, GPA, SPA, AddObject and DeleteObject in one session, with their faults', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(
      cpe,
      { type: 'GetParameterNames', parameterPath: 'Device.Users.', nextLevel: true },
      { type: 'GetParameterValues', parameterNames: ['Device.Users.User.1.Username'] },
      {
        type: 'SetParameterAttributes',
        parameterList: [
          {
            name: 'Device.WiFi.SSID.1.SSID',
            notificationChange: true,
            notification: 2,
            accessListChange: false,
            accessList: [],
          },
        ],
      },
      { type: 'GetParameterAttributes', parameterNames: ['Device.WiFi.SSID.1.SSID'] },
      { type: 'AddObject', objectName: 'Device.NAT.PortMapping.', parameterKey: 'k3' },
      { type: 'DeleteObject', objectName: 'Device.NAT.PortMapping.1.', parameterKey: 'k4' },
      { type: 'GetParameterValues', parameterNames: ['Device.Bogus.'] },
      { type: 'AddObject', objectName: 'Device.WiFi.Radio.', parameterKey: '' },
      { type: 'DeleteObject', objectName: 'Device.NAT.PortMapping.1.', parameterKey: '' },
      {
        type: 'SetParameterAttributes',
        parameterList: [
          {
            name: 'Device.Nope',
            notificationChange: true,
            notification: 1,
            accessListChange: false,
            accessList: [],
          },
        ],
      },
      { type: 'GetParameterNames', parameterPath: 'Device.DeviceInfo.UpTime', nextLevel: true },
    );
    h.fleet.connectionRequest(cpe);
    await h.settle();
    const r = h.acs.responses();
    expect(r.map((m) => (m.type === 'Fault' ? m.detail?.faultCode : m.type))).toEqual([
      'GetParameterNamesResponse',
      'GetParameterValuesResponse',
      'SetParameterAttributesResponse',
      'GetParameterAttributesResponse',
      'AddObjectResponse',
      'DeleteObjectResponse',
      9005,
      9005,
      9005,
      9005,
      9003,
    ]);
    expect(r[0]?.type === 'GetParameterNamesResponse' && r[0].parameterList).toContainEqual({
      name: 'Device.Users.User.',
      writable: true,
    });
    expect(r[3]).toMatchObject({
      parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', notification: 2 }],
    });
    expect(r[4]).toEqual({ type: 'AddObjectResponse', instanceNumber: 2, status: 0 });
    expect(cpe.model.rawRead(`${MS}ParameterKey`)).toBe('k4');
  });

  it('reboots after the session and reconnects with BOOT and M Reboot', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(cpe, { type: 'Reboot', commandKey: 'rb-1' });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(cpe.state.kind).toBe('rebooting');
    await h.advance(cpe.group.rebootDelayMs + 10, 2);
    const last = h.acs.sent('Inform').at(-1);
    expect(last?.event).toEqual([
      { eventCode: '1 BOOT', commandKey: '' },
      { eventCode: 'M Reboot', commandKey: 'rb-1' },
    ]);
    expect(cpe.bootCount).toBe(2);
  });

  it('factory-resets: data model back to the template and BOOTSTRAP', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    cpe.model.write('Device.WiFi.SSID.1.SSID', 'changed');
    h.acs.queue(cpe, { type: 'FactoryReset' });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    await h.advance(cpe.group.rebootDelayMs + 10, 2);
    expect(h.informEvents(cpe).at(-1)).toEqual(['1 BOOT', '0 BOOTSTRAP']);
    expect(cpe.model.overrides()).toBe(0);
  });

  describe('Download', () => {
    const url = 'http://127.0.0.1:9/fw.bin';
    const download = (fileSize: number, fileType = '1 Firmware Upgrade Image', u = url) =>
      ({
        type: 'Download',
        commandKey: 'dl-1',
        fileType,
        url: u,
        username: '',
        password: '',
        fileSize,
        targetFileName: '',
        delaySeconds: 0,
        successUrl: '',
        failureUrl: '',
      }) as const;

    async function run(h: SimHarness, msg: ReturnType<typeof download>) {
      const cpe = await booted(h);
      h.acs.queue(cpe, msg);
      h.fleet.connectionRequest(cpe);
      await h.settle();
      await h.advance(cpe.group.rebootDelayMs * 3, 6);
      return cpe;
    }

    it('fetches the image, reboots into the new firmware and reports TransferComplete', async () => {
      const h = new SimHarness();
      const body = Buffer.from(`${FIRMWARE_MAGIC}2.0.1\nbinary...`);
      h.files.files.set(url, { status: 200, body });
      const cpe = await run(h, download(body.length));
      expect(h.acs.responses()[0]).toMatchObject({ type: 'DownloadResponse', status: 1 });
      expect(h.informEvents(cpe).at(-1)).toEqual(['7 TRANSFER COMPLETE', 'M Download', '1 BOOT']);
      expect(h.acs.sent('TransferComplete')).toEqual([
        expect.objectContaining({
          commandKey: 'dl-1',
          faultStruct: { faultCode: 0, faultString: '' },
        }),
      ]);
      expect(h.acs.sent('Inform').at(-1)?.parameterList).toContainEqual({
        name: 'Device.DeviceInfo.SoftwareVersion',
        value: { type: 'string', value: '2.0.1' },
      });
    });

    it.each([
      ['a size mismatch', 999, 200, 9018],
      ['a missing file', 0, 404, 9016],
      ['refused credentials', 0, 401, 9012],
    ])(
      'reports %s (FileSize %i, HTTP %i) as fault %i in TransferComplete',
      async (_what, size, status, code) => {
        const h = new SimHarness();
        h.files.files.set(url, { status, body: Buffer.from(`${FIRMWARE_MAGIC}3.0\n`) });
        const cpe = await run(h, download(size));
        expect(h.acs.sent('TransferComplete')[0]?.faultStruct.faultCode).toBe(code);
        expect(h.informEvents(cpe).at(-1)).toEqual(['7 TRANSFER COMPLETE', 'M Download']);
        expect(cpe.model.read('Device.DeviceInfo.SoftwareVersion')).toEqual({
          type: 'string',
          value: '1.0.0',
        });
      },
    );

    it('reports an unreachable file server as 9015 and a non-firmware file as 9018', async () => {
      const h = new SimHarness();
      h.files.unreachable = true;
      await run(h, download(0));
      expect(h.acs.sent('TransferComplete')[0]?.faultStruct.faultCode).toBe(9015);
      const h2 = new SimHarness();
      h2.files.files.set(url, { status: 200, body: Buffer.from('just bytes') });
      await run(h2, download(0));
      expect(h2.acs.sent('TransferComplete')[0]?.faultStruct.faultCode).toBe(9018);
    });

    it('refuses an unsupported protocol with 9013 and an unknown file type with 9003', async () => {
      const h = new SimHarness();
      const cpe = await booted(h);
      h.acs.queue(
        cpe,
        download(0, '1 Firmware Upgrade Image', 'ftp://127.0.0.1/fw'),
        download(0, '4 Tone File'),
      );
      h.fleet.connectionRequest(cpe);
      await h.settle();
      expect(h.acs.responses().map((m) => m.type === 'Fault' && m.detail?.faultCode)).toEqual([
        9013, 9003,
      ]);
    });

    it('lists the transfer in GetQueuedTransfers until it is done', async () => {
      const h = new SimHarness();
      const cpe = await booted(h);
      h.acs.queue(
        cpe,
        { ...download(0), delaySeconds: 60 },
        { type: 'GetQueuedTransfers' },
        { type: 'GetAllQueuedTransfers' },
      );
      h.fleet.connectionRequest(cpe);
      await h.settle();
      expect(h.acs.responses()[1]).toEqual({
        type: 'GetQueuedTransfersResponse',
        transferList: [{ commandKey: 'dl-1', state: 1 }],
      });
      expect(h.acs.responses()[2]).toMatchObject({
        transferList: [
          { commandKey: 'dl-1', isDownload: true, fileType: '1 Firmware Upgrade Image' },
        ],
      });
    });
  });

  describe('Upload', () => {
    it('uploads the vendor configuration file and reports TransferComplete with M Upload', async () => {
      const h = new SimHarness();
      const cpe = await booted(h);
      cpe.model.write('Device.WiFi.SSID.1.SSID', 'mine');
      h.acs.queue(cpe, {
        type: 'Upload',
        commandKey: 'up-1',
        fileType: '1 Vendor Configuration File',
        url: 'http://127.0.0.1:9/up',
        username: 'u',
        password: 'p',
        delaySeconds: 0,
      });
      h.fleet.connectionRequest(cpe);
      await h.settle();
      await h.advance(10, 2);
      expect(
        JSON.parse(h.files.uploads.get('http://127.0.0.1:9/up')?.toString() ?? '{}'),
      ).toMatchObject({ 'Device.WiFi.SSID.1.SSID': 'mine' });
      expect(h.informEvents(cpe).at(-1)).toEqual(['7 TRANSFER COMPLETE', 'M Upload']);
      expect(h.acs.sent('TransferComplete')[0]?.faultStruct.faultCode).toBe(0);
    });

    it('reports a refused upload as 9011', async () => {
      const h = new SimHarness();
      const cpe = await booted(h);
      h.acs.queue(cpe, {
        type: 'Upload',
        commandKey: 'up-2',
        fileType: '2 Vendor Log File',
        url: 'http://127.0.0.1:9/forbidden',
        username: '',
        password: '',
        delaySeconds: 0,
      });
      h.fleet.connectionRequest(cpe);
      await h.settle();
      await h.advance(10, 2);
      expect(h.acs.sent('TransferComplete')[0]?.faultStruct.faultCode).toBe(9011);
    });
  });

  it('informs with SCHEDULED and M ScheduleInform after the delay; refuses a zero delay', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(
      cpe,
      { type: 'ScheduleInform', delaySeconds: 30, commandKey: 'si' },
      { type: 'ScheduleInform', delaySeconds: 0, commandKey: 'x' },
    );
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(h.acs.responses()[1]).toMatchObject({ type: 'Fault', detail: { faultCode: 9003 } });
    const before = h.acs.sent('Inform').length;
    await h.advance(29_000, 1);
    expect(h.acs.sent('Inform')).toHaveLength(before);
    await h.advance(2_000, 1);
    expect(h.informEvents(cpe).at(-1)).toEqual(['3 SCHEDULED', 'M ScheduleInform']);
  });

  it('installs and uninstalls deployment units with ChangeDUState and reports DUStateChangeComplete', async () => {
    const h = new SimHarness();
    const cpe = await booted(h);
    h.acs.queue(cpe, {
      type: 'ChangeDUState',
      commandKey: 'du',
      operations: [
        {
          op: 'Install',
          url: 'http://127.0.0.1:9/app.tar',
          uuid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
        },
        { op: 'Uninstall', uuid: '00000000-0000-0000-0000-000000000000' },
      ],
    });
    h.fleet.connectionRequest(cpe);
    await h.settle();
    expect(h.informEvents(cpe).at(-1)).toEqual(['11 DU STATE CHANGE COMPLETE', 'M ChangeDUState']);
    const [done] = h.acs.sent('DUStateChangeComplete');
    expect(done?.results.map((r) => [r.currentState, r.fault.faultCode])).toEqual([
      ['Installed', 0],
      ['Failed', 9028],
    ]);
  });
});
