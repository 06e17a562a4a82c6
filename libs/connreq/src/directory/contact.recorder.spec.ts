import { InMemoryEventBus } from '@acs/bus';
import { encodeEvent, TOPICS, type InformEventV1 } from '@acs/events';
import { expectEventually } from '@acs/testing';
import { InMemoryDeviceContactDirectory } from '../adapters/device-contact.memory';
import { InMemoryDeviceParameterSource } from '../adapters/device-parameters.memory';
import { InMemoryStunCredentials } from '../adapters/stun-credentials.adapters';
import { startContactRecorder } from './contact-recorder.consumer';
import { ContactRecorder } from './contact.recorder';

function setup() {
  const directory = new InMemoryDeviceContactDirectory();
  const stunCredentials = new InMemoryStunCredentials();
  const parameters = new InMemoryDeviceParameterSource();
  const recorder = new ContactRecorder({ directory, stunCredentials, parameters });
  return { directory, stunCredentials, parameters, recorder };
}

function inform(deviceId: string, url: string, n = 1): InformEventV1 {
  return {
    schema: 'cwmp.inform.v1',
    eventId: `e${n}`,
    deviceId,
    sessionId: `s${n}`,
    occurredAt: new Date(0).toISOString(),
    cwmpVersion: '1.2',
    inform: {
      type: 'Inform',
      deviceId: { manufacturer: 'ACME', oui: '00D09E', productClass: 'HGW', serialNumber: 'S1' },
      event: [{ eventCode: '2 PERIODIC', commandKey: '' }],
      maxEnvelopes: 1,
      currentTime: new Date(0).toISOString(),
      retryCount: 0,
      parameterList: [
        {
          name: 'Device.ManagementServer.ConnectionRequestURL',
          value: { type: 'string', value: url },
        },
      ],
    },
  };
}

describe(ContactRecorder.name, () => {
  it('merges the Inform over stored values, with the password the ACS set', async () => {
    const { directory, stunCredentials, parameters, recorder } = setup();
    parameters.set('dev-1', {
      ConnectionRequestURL: 'http://10.0.0.1:7547/old',
      ConnectionRequestUsername: 'u',
      ConnectionRequestPassword: 'p',
      STUNUsername: 'stun-u',
      STUNPassword: 'stun-p',
    });
    expect(
      await recorder.refresh('dev-1', { ConnectionRequestURL: 'http://10.0.0.1:7547/new' }),
    ).toBe('recorded');
    expect(await directory.get('dev-1')).toEqual({
      deviceId: 'dev-1',
      http: { url: 'http://10.0.0.1:7547/new', username: 'u', password: 'p' },
      udp: { username: 'u', password: 'p' },
    });
    expect(await stunCredentials.lookup('stun-u')).toEqual({
      deviceId: 'dev-1',
      password: 'stun-p',
    });
  });

  it('writes nothing when the device reports what is already recorded', async () => {
    const { directory, recorder } = setup();
    const v = { ConnectionRequestURL: 'http://10.0.0.1:7547/cr' };
    await recorder.refresh('dev-1', v);
    const put = jest.spyOn(directory, 'put');
    // The directory adds the last good method; that is not a change of the contact.
    await directory.recordResult({
      schema: 'acs.connreq.result/1',
      deviceId: 'dev-1',
      outcome: 'accepted',
      method: 'http',
      attempts: [{ method: 'http', outcome: 'accepted', at: new Date(0).toISOString() }],
      coalesced: 0,
      requestedAt: new Date(0).toISOString(),
      finishedAt: new Date(0).toISOString(),
    });
    expect(await recorder.refresh('dev-1', v)).toBe('unchanged');
    expect(put).not.toHaveBeenCalled();
    expect(recorder.stats).toEqual({ recorded: 1, unchanged: 1, empty: 0 });
  });

  it('reports a device with nothing to reach it by as empty', async () => {
    const { directory, recorder } = setup();
    expect(await recorder.refresh('dev-1', { ConnectionRequestURL: '' })).toBe('empty');
    expect(await directory.get('dev-1')).toBeUndefined();
  });

  it('is fed by Informs and session ends from the bus, skipping unreadable events', async () => {
    const { directory, parameters, recorder } = setup();
    const bus = new InMemoryEventBus();
    const consumer = await startContactRecorder({ bus, recorder });
    try {
      await bus.publish(TOPICS.informs, [
        { key: 'dev-1', value: 'not json' },
        { key: 'dev-1', value: encodeEvent(inform('dev-1', 'http://10.0.0.1:7547/cr')) },
      ]);
      await expectEventually(async () =>
        expect((await directory.get('dev-1'))?.http?.password).toBe(''),
      );
      // Provisioning stored the Inform and set the password during the session; the session end
      // picks it up.
      parameters.set('dev-1', {
        ConnectionRequestURL: 'http://10.0.0.1:7547/cr',
        ConnectionRequestPassword: 'set-in-session',
      });
      await bus.publish(TOPICS.sessions, [
        {
          key: 'dev-1',
          value: encodeEvent({
            schema: 'cwmp.session.v1',
            kind: 'ended',
            reason: 'completed',
            rpcCount: 1,
            eventId: 'end1',
            deviceId: 'dev-1',
            sessionId: 's1',
            occurredAt: new Date(0).toISOString(),
          }),
        },
      ]);
      await expectEventually(async () =>
        expect(await directory.get('dev-1')).toEqual({
          deviceId: 'dev-1',
          http: { url: 'http://10.0.0.1:7547/cr', username: '', password: 'set-in-session' },
        }),
      );
      expect(consumer.stats.malformed).toBe(1);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });
});
