/**
 * A deterministic discrete-event simulation of lookups through a network of queues: each station has
 * `servers` that serve one lookup at a time for an exponentially distributed service time (FIFO
 * queue in front), lookups arrive as a Poisson process and visit a route of stations, with fixed
 * transit delays between them (the SQS hops). Seeded: the same options give the same result.
 *
 * Used by the national-day model (bench/national-day.ts); checked against M/M/c closed forms in
 * test/unit/simulation.test.ts.
 */

/** A seeded pseudo-random generator (mulberry32): uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An exponentially distributed sample with the given mean. */
export function exponential(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

export interface StationSpec {
  name: string;
  /** Servers (concurrent executions, or 1 for a chain partition). */
  servers: number;
  /** Mean service time in seconds. */
  meanService: number;
  /** Stations whose servers count towards a shared pool (e.g. the account's Lambda concurrency). */
  pool?: string;
}

export interface SimulationOptions {
  seed: number;
  /** Lookups per second. */
  rate: number;
  /** Simulated seconds of arrivals (the network then drains). */
  seconds: number;
  stations: readonly StationSpec[];
  /** The stations a lookup visits, in order (indexes into `stations`), drawn per lookup. */
  route: (random: () => number) => readonly number[];
  /** Seconds between two consecutive stations of a route (and before the first). */
  hop: number;
  /** Pools of servers shared by stations: at most `size` busy at once across them (a lookup waits for one). */
  pools?: Readonly<Record<string, number>>;
}

export interface StationResult {
  name: string;
  servers: number;
  arrivals: number;
  /** Busy server-seconds over (servers × seconds of arrivals). */
  utilisation: number;
  /** Time-averaged number waiting, and the most ever waiting. */
  meanQueue: number;
  maxQueue: number;
  /** Seconds waited before service: mean and percentiles. */
  wait: { mean: number; p50: number; p99: number };
}

export interface SimulationResult {
  lookups: number;
  /** End-to-end seconds, arrival to the last station's completion (hops included). */
  latency: { p50: number; p95: number; p99: number; max: number };
  stations: StationResult[];
  pools: Record<string, { size: number; maxBusy: number; meanBusy: number }>;
}

/** A binary min-heap of events by time (ties by insertion order, for determinism). */
class EventHeap {
  private readonly times: number[] = [];
  private readonly orders: number[] = [];
  private readonly payloads: number[] = [];
  private counter = 0;

  get size(): number {
    return this.times.length;
  }

  push(time: number, payload: number): void {
    const t = this.times;
    t.push(time);
    this.orders.push(this.counter++);
    this.payloads.push(payload);
    let i = t.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the earliest event; returns its time and payload. */
  pop(): [number, number] {
    const top: [number, number] = [this.times[0] ?? 0, this.payloads[0] ?? 0];
    const last = this.times.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.orders.pop();
    this.payloads.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.times.length && this.less(l, m)) m = l;
      if (r < this.times.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] ?? 0;
    const tb = this.times[b] ?? 0;
    return ta < tb || (ta === tb && (this.orders[a] ?? 0) < (this.orders[b] ?? 0));
  }

  private swap(a: number, b: number): void {
    for (const arr of [this.times, this.orders, this.payloads]) {
      const x = arr[a] ?? 0;
      arr[a] = arr[b] ?? 0;
      arr[b] = x;
    }
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Runs the simulation. Events carry a lookup index; a lookup's position on its route says what happens next. */
export function simulate(o: SimulationOptions): SimulationResult {
  const random = rng(o.seed);
  const serviceRandom = rng(o.seed ^ 0x9e3779b9);
  const n = o.stations.length;
  const busy = new Array<number>(n).fill(0);
  const queues: number[][] = Array.from({ length: n }, () => []);
  const heads = new Array<number>(n).fill(0);
  const arrivals = new Array<number>(n).fill(0);
  const busyTime = new Array<number>(n).fill(0);
  const queueArea = new Array<number>(n).fill(0);
  const maxQueue = new Array<number>(n).fill(0);
  const lastChange = new Array<number>(n).fill(0);
  const waits: number[][] = Array.from({ length: n }, () => []);
  const pools = o.pools ?? {};
  const poolBusy: Record<string, number> = Object.fromEntries(Object.keys(pools).map((p) => [p, 0]));
  const poolMax: Record<string, number> = { ...poolBusy };
  const poolArea: Record<string, number> = { ...poolBusy };
  let poolLast = 0;

  // Per lookup: route, position, when it entered the current queue, when it arrived.
  const routes: (readonly number[])[] = [];
  const positions: number[] = [];
  const enqueuedAt: number[] = [];
  const bornAt: number[] = [];
  const latencies: number[] = [];

  // Payload encoding: lookup index × 2 + kind (0: arrives at its next station, 1: finishes service).
  const heap = new EventHeap();
  let t = 0;
  for (let i = 0; ; i++) {
    t += exponential(random, 1 / o.rate);
    if (t > o.seconds) break;
    routes.push(o.route(random));
    positions.push(0);
    enqueuedAt.push(0);
    bornAt.push(t);
    heap.push(t + o.hop, i * 2);
  }

  const queueLength = (s: number) => (queues[s]?.length ?? 0) - (heads[s] ?? 0);
  const touchQueue = (s: number, now: number) => {
    queueArea[s] = (queueArea[s] ?? 0) + queueLength(s) * (now - (lastChange[s] ?? 0));
    lastChange[s] = now;
  };
  const touchPools = (now: number) => {
    for (const p of Object.keys(pools)) poolArea[p] = (poolArea[p] ?? 0) + (poolBusy[p] ?? 0) * (now - poolLast);
    poolLast = now;
  };
  const canStart = (s: number) => {
    const spec = o.stations[s];
    if (!spec || (busy[s] ?? 0) >= spec.servers) return false;
    return spec.pool === undefined || (poolBusy[spec.pool] ?? 0) < (pools[spec.pool] ?? Number.POSITIVE_INFINITY);
  };
  const start = (s: number, lookup: number, now: number) => {
    const spec = o.stations[s];
    if (!spec) return;
    busy[s] = (busy[s] ?? 0) + 1;
    if (spec.pool !== undefined) {
      touchPools(now);
      poolBusy[spec.pool] = (poolBusy[spec.pool] ?? 0) + 1;
      poolMax[spec.pool] = Math.max(poolMax[spec.pool] ?? 0, poolBusy[spec.pool] ?? 0);
    }
    waits[s]?.push(now - (enqueuedAt[lookup] ?? now));
    const service = exponential(serviceRandom, spec.meanService);
    busyTime[s] = (busyTime[s] ?? 0) + Math.min(service, Math.max(0, o.seconds - now));
    heap.push(now + service, lookup * 2 + 1);
  };
  /** Starts waiting lookups at every station that can take one (a freed pool server may serve another station). */
  const dispatch = (now: number, first: number) => {
    const order = [first, ...Array.from({ length: n }, (_, i) => i).filter((i) => i !== first)];
    for (const s of order) {
      while (queueLength(s) > 0 && canStart(s)) {
        touchQueue(s, now);
        const q = queues[s] ?? [];
        const lookup = q[heads[s] ?? 0] ?? 0;
        heads[s] = (heads[s] ?? 0) + 1;
        if ((heads[s] ?? 0) > 4096 && (heads[s] ?? 0) * 2 > q.length) {
          queues[s] = q.slice(heads[s]);
          heads[s] = 0;
        }
        start(s, lookup, now);
      }
    }
  };

  while (heap.size > 0) {
    const [now, payload] = heap.pop();
    const lookup = payload >> 1;
    const route = routes[lookup] ?? [];
    const s = route[positions[lookup] ?? 0] ?? 0;
    if ((payload & 1) === 0) {
      arrivals[s] = (arrivals[s] ?? 0) + 1;
      enqueuedAt[lookup] = now;
      touchQueue(s, now);
      queues[s]?.push(lookup);
      maxQueue[s] = Math.max(maxQueue[s] ?? 0, queueLength(s));
      dispatch(now, s);
    } else {
      busy[s] = (busy[s] ?? 0) - 1;
      const pool = o.stations[s]?.pool;
      if (pool !== undefined) {
        touchPools(now);
        poolBusy[pool] = (poolBusy[pool] ?? 0) - 1;
      }
      const next = (positions[lookup] ?? 0) + 1;
      positions[lookup] = next;
      if (next < route.length) heap.push(now + o.hop, lookup * 2);
      else latencies.push(now - (bornAt[lookup] ?? now));
      dispatch(now, s);
    }
  }

  const sortedLatency = Float64Array.from(latencies).sort();
  return {
    lookups: bornAt.length,
    latency: {
      p50: percentile(sortedLatency, 0.5),
      p95: percentile(sortedLatency, 0.95),
      p99: percentile(sortedLatency, 0.99),
      max: sortedLatency[sortedLatency.length - 1] ?? 0,
    },
    stations: o.stations.map((spec, s) => {
      const w = Float64Array.from(waits[s] ?? []).sort();
      return {
        name: spec.name,
        servers: spec.servers,
        arrivals: arrivals[s] ?? 0,
        utilisation: (busyTime[s] ?? 0) / (spec.servers * o.seconds),
        meanQueue: (queueArea[s] ?? 0) / Math.max(lastChange[s] ?? 0, o.seconds),
        maxQueue: maxQueue[s] ?? 0,
        wait: { mean: w.length ? w.reduce((a, b) => a + b, 0) / w.length : 0, p50: percentile(w, 0.5), p99: percentile(w, 0.99) },
      };
    }),
    pools: Object.fromEntries(
      Object.entries(pools).map(([p, size]) => [p, { size, maxBusy: poolMax[p] ?? 0, meanBusy: (poolArea[p] ?? 0) / Math.max(poolLast, o.seconds) }]),
    ),
  };
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue (offered load a = λ/μ, c servers). */
export function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c;
  const top = last * (c / (c - a));
  return top / (sum + top);
}

/** Mean wait in queue of an M/M/c queue: C(c, a) / (cμ − λ). */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}
