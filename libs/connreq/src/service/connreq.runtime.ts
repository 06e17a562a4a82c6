import type { EventBus } from '@acs/bus';
import { CryptoRandom } from '../adapters/crypto.random';
import type { Requesters } from '../fanout/fanout.types';
import { AddressPolicy } from '../http/address.policy';
import { HttpConnectionRequester } from '../http/http-connreq.client';
import type { BindingStore } from '../ports/binding-store.port';
import { SystemClock, type Clock, type Random } from '../ports/clock.port';
import type { DeviceContactDirectory, StunCredentialStore } from '../ports/device-contact.port';
import type { DeviceParameterSource } from '../ports/device-parameters.port';
import { ContactRecorder } from '../directory/contact.recorder';
import {
  startContactRecorder,
  type ContactRecorderConsumer,
} from '../directory/contact-recorder.consumer';
import { UdpConnectionRequester } from '../udp/udp-connreq.sender';
import { XmppConnectionRequester } from '../xmpp/xmpp-connreq.client';
import type { ConnreqConfig } from './connreq.config';
import { startConnectionRequestService, type ConnectionRequestService } from './connreq.service';
import { startStunServer, type StunService } from './stun.service';
import { BusDatagramSender } from '../relay/udp-relay.sender';
import { startUdpRelay, type UdpRelay } from '../relay/udp-relay.consumer';

export interface ConnreqRuntimeDeps {
  readonly config: ConnreqConfig;
  readonly bus: EventBus;
  readonly directory: DeviceContactDirectory;
  readonly bindings: BindingStore;
  readonly stunCredentials: StunCredentialStore;
  /** Stored device parameters for the contact recorder; default `directory.parameters`. */
  readonly parameters?: DeviceParameterSource;
  readonly clock?: Clock;
  readonly random?: Random;
}

export interface ConnreqRuntime {
  readonly service: ConnectionRequestService;
  /** Present when the STUN server runs in this process (CONNREQ_EMBED_STUN). */
  readonly stun?: StunService;
  readonly xmpp?: XmppConnectionRequester;
  /** Present when the directory is filled from Informs here (CONNREQ_RECORD_CONTACTS). */
  readonly contacts?: ContactRecorderConsumer;
  /** Present when the embedded STUN server relays for others (STUN_NODE_ID). */
  readonly relay?: UdpRelay;
  stop(): Promise<void>;
}

/**
 * Everything the connection-request deployable runs, from its config and adapters: the STUN
 * server (when embedded; UDP wake-ups need its socket), the HTTP, UDP and XMPP transports and
 * the Kafka-fed fan-out. apps/connection-request and apps/acs (all-in-one) call this.
 */
export async function startConnreqRuntime(deps: ConnreqRuntimeDeps): Promise<ConnreqRuntime> {
  const c = deps.config;
  const clock = deps.clock ?? new SystemClock();
  const random = deps.random ?? new CryptoRandom();
  const policy = new AddressPolicy({ allow: c.CONNREQ_ALLOW_CIDRS, deny: c.CONNREQ_DENY_CIDRS });
  let stun: StunService | undefined;
  let xmpp: XmppConnectionRequester | undefined;
  if (c.CONNREQ_EMBED_STUN)
    stun = await startStunServer({
      host: c.STUN_HOST,
      port: c.STUN_PORT,
      credentials: deps.stunCredentials,
      bindings: deps.bindings,
      clock,
      requireAuth: c.STUN_REQUIRE_AUTH,
      bindingTtlMs: c.STUN_BINDING_TTL_MS,
      ...(c.STUN_NODE_ID === undefined ? {} : { node: c.STUN_NODE_ID }),
    });
  const relay =
    stun === undefined || c.STUN_NODE_ID === undefined
      ? undefined
      : await startUdpRelay({ bus: deps.bus, node: c.STUN_NODE_ID, sender: stun, clock, policy });
  // UDP leaves from the embedded STUN socket, else (split deployment) through the STUN node that
  // learned the binding; with neither, this deployment offers no UDP.
  const udpSender =
    stun ?? (c.CONNREQ_UDP_VIA_RELAY ? new BusDatagramSender(deps.bus, clock) : undefined);
  if (
    c.XMPP_SERVICE !== undefined &&
    c.XMPP_DOMAIN !== undefined &&
    c.XMPP_ACS_USERNAME !== undefined
  )
    xmpp = new XmppConnectionRequester({
      service: c.XMPP_SERVICE,
      domain: c.XMPP_DOMAIN,
      username: c.XMPP_ACS_USERNAME,
      password: c.XMPP_ACS_PASSWORD ?? '',
      resource: `acs-${random.bytes(4).toString('hex')}`,
    });
  const acsJid =
    c.XMPP_ACS_USERNAME === undefined || c.XMPP_DOMAIN === undefined
      ? undefined
      : `${c.XMPP_ACS_USERNAME}@${c.XMPP_DOMAIN}`;
  const parameters = deps.parameters ?? deps.directory.parameters;
  const contacts = c.CONNREQ_RECORD_CONTACTS
    ? await startContactRecorder({
        bus: deps.bus,
        groupId: c.CONNREQ_CONTACTS_GROUP_ID,
        recorder: new ContactRecorder({
          directory: deps.directory,
          stunCredentials: deps.stunCredentials,
          ...(parameters === undefined ? {} : { parameters }),
          ...(acsJid === undefined ? {} : { acsJid }),
        }),
      })
    : undefined;
  const requesters: Requesters = {
    http: new HttpConnectionRequester({
      policy,
      random,
      timeoutMs: c.CONNREQ_HTTP_TIMEOUT_MS,
      allowBasic: c.CONNREQ_ALLOW_BASIC,
    }),
    ...(udpSender === undefined
      ? {}
      : {
          udp: new UdpConnectionRequester({
            sender: udpSender,
            clock,
            random,
            policy,
            copies: c.CONNREQ_UDP_COPIES,
            gapMs: c.CONNREQ_UDP_GAP_MS,
          }),
        }),
    ...(xmpp === undefined ? {} : { xmpp }),
  };
  const service = await startConnectionRequestService({
    bus: deps.bus,
    directory: deps.directory,
    bindings: deps.bindings,
    requesters,
    clock,
    random,
    groupId: c.CONNREQ_GROUP_ID,
    limits: {
      concurrency: c.CONNREQ_CONCURRENCY,
      ratePerSec: c.CONNREQ_RATE_PER_SEC,
      maxPending: c.CONNREQ_MAX_PENDING,
    },
  });
  return {
    service,
    ...(stun === undefined ? {} : { stun }),
    ...(xmpp === undefined ? {} : { xmpp }),
    ...(contacts === undefined ? {} : { contacts }),
    ...(relay === undefined ? {} : { relay }),
    async stop() {
      await contacts?.stop();
      await relay?.stop();
      await service.stop();
      await xmpp?.close();
      await stun?.stop();
    },
  };
}
