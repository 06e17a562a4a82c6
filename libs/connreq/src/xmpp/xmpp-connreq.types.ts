export interface XmppConnectionRequestInput {
  /** ConnReqJabberID (full or bare JID). */
  readonly jid: string;
  /** The CR credentials carried in the IQ (Annex K.2.2). */
  readonly username: string;
  readonly password: string;
}

/** Annex K.2.2: the namespace of the connectionRequest IQ payload. */
export const XMPP_CONNREQ_NS = 'urn:broadband-forum-org:cwmp:xmppConnReq-1-0';
