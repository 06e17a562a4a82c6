/** Sends a datagram from the STUN server's socket (so it passes the CPE's NAT pinhole, TR-111 §2.2). */
export interface DatagramSender {
  /** `via`: the STUN node that learned the target's binding (a relaying sender needs it). */
  sendFrom(address: string, port: number, bytes: Buffer, via?: string): Promise<void>;
}
