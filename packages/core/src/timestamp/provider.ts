/** The signer's TimestampProvider over an RFC 3161 TSA reached by HTTP. */
import type { TimestampProvider } from '../signing/finish.js';
import { requestTimestamp, type RequestTimestampOptions } from './client.js';

export function tsaTimestamper(url: string, options: Omit<RequestTimestampOptions, 'url'> = {}): TimestampProvider {
  return async (imprint, hash) => (await requestTimestamp(imprint, hash, { ...options, url })).token;
}
