// Timing operations in this process, for the bench's in-process rows and its baselines.

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` back to back for about `ms`: its rate (operations/s) and the CPU time per operation (µs, this process). */
export async function batch(fn, ms) {
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return { rate: (n * 1000) / (performance.now() - t0), cpuUs: (c.user + c.system) / n };
}

/** Runs `fn` in batches for about `seconds`; returns the median operations per second over the batches. */
export async function opsPerSecond(fn, { seconds = 3, batches = 7 } = {}) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const rates = [];
  for (let b = 0; b < batches; b++) rates.push((await batch(fn, (seconds * 1000) / batches)).rate);
  return median(rates);
}

/**
 * Two operations' rates (ops/s) measured in alternating batches (which goes first alternates too), medians of each:
 * for a ratio whose two sides must see the same machine, whose speed here moves by a quarter within minutes.
 */
export async function pairedRates(a, b, { seconds = 6, batches = 12 } = {}) {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const per = (seconds * 1000) / batches / 2;
  const ra = [];
  const rb = [];
  for (let i = 0; i < batches; i++) {
    if (i % 2 === 0) {
      ra.push((await batch(a, per)).rate);
      rb.push((await batch(b, per)).rate);
    } else {
      rb.push((await batch(b, per)).rate);
      ra.push((await batch(a, per)).rate);
    }
  }
  return { a: median(ra), b: median(rb) };
}
