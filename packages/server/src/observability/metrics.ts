/** Prometheus text-format metrics: requests and their durations by route and status, signing in flight. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Series {
  labels: string;
  count: number;
  sum: number;
  buckets: number[];
}

export interface Gauge {
  name: string;
  help: string;
  value: () => number;
}

export class Metrics {
  /** In the order first seen (the text's order). */
  private readonly requests: Series[] = [];
  /**
   * The series by route, method and status: the route and method strings are the same few strings every time,
   * so finding a series hashes nothing new (a label string built and hashed per request was ~1% of the request
   * thread under a signing load).
   */
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(private readonly gauges: Gauge[] = []) {}

  /** Records one answered request. `route` is the route template (never the raw URL, which may hold ids). */
  observe(method: string, route: string, status: number, seconds: number): void {
    let methods = this.byRoute.get(route);
    if (!methods) this.byRoute.set(route, (methods = new Map()));
    let statuses = methods.get(method);
    if (!statuses) methods.set(method, (statuses = new Map()));
    let s = statuses.get(status);
    if (!s) {
      const labels = `method="${esc(method)}",route="${esc(route)}",status="${status}"`;
      s = { labels, count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      statuses.set(status, s);
      this.requests.push(s);
    }
    s.count++;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.buckets[i]!++;
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP kyso_http_requests_total HTTP requests answered, by method, route and status.');
    out.push('# TYPE kyso_http_requests_total counter');
    for (const s of this.requests) out.push(`kyso_http_requests_total{${s.labels}} ${s.count}`);
    out.push('# HELP kyso_http_request_duration_seconds Time to answer HTTP requests, by method, route and status.');
    out.push('# TYPE kyso_http_request_duration_seconds histogram');
    for (const s of this.requests) {
      BUCKETS.forEach((b, i) =>
        out.push(`kyso_http_request_duration_seconds_bucket{${s.labels},le="${b}"} ${s.buckets[i]}`),
      );
      out.push(`kyso_http_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      out.push(`kyso_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      out.push(`kyso_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    for (const g of this.gauges) {
      out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, `${g.name} ${g.value()}`);
    }
    return out.join('\n') + '\n';
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
