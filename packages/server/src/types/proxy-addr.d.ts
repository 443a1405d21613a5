/** proxy-addr (Express's own, for req.ip) has no types of its own: the one call the service makes. */
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  /** The client's address: the socket's, or the first untrusted one walking X-Forwarded-For from the right. */
  function proxyaddr(req: IncomingMessage, trust: (address: string, hop: number) => boolean): string;
  export default proxyaddr;
}
