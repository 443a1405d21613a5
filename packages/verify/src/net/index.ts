export {
  readCapped,
  causeText,
  httpExchange,
  type ExchangeOptions,
  type ExchangeResult,
  type ExchangeFailure,
} from './http.js';
export {
  LightHeaders,
  LightResponse,
  headerPairs,
  readerOf,
  dropBody,
  readAll,
  type BodyReader,
  type LightBody,
  type HttpResponse,
  type LightResponseInit,
  type ResponseHeaders,
} from './response.js';
export {
  classifyAddress,
  classifyIpv4,
  classifyIpv6,
  parseIpv4,
  parseIpv6,
  type AddressClass,
  type AddressRange,
  type Ipv4,
  type Ipv6,
} from './address.js';
export {
  checkUrl,
  fetchPolicy,
  safeUrlText,
  publicAddressesOnly,
  anyAddress,
  DEFAULT_FETCH_POLICY,
  DEFAULT_FETCH_BUDGET,
  type AddressGuard,
  type CheckedUrl,
  type FetchBudget,
  type FetchPolicy,
  type FetchPolicyInput,
} from './fetch-policy.js';
export {
  guardedFetch,
  fetchTransport,
  FetchGate,
  type FetchTransport,
  type FetchStats,
  type GuardedFetch,
  type GuardedFetchOptions,
} from './guarded-fetch.js';
export { FetchError, FETCH_MESSAGES, type FetchErrorCode } from './messages.js';
