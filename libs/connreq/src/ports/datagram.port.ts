/** Sends a datagram from the STUN server's socket (so it passes the CPE's NAT pinhole, TR-111 §2.2). */
export interface DatagramSender {
  sendFrom(address: string, port: number, bytes: Buffer): Promise<void>;
}
