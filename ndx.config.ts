/**
 * ndx's configuration: which registries and agencies exist, and where ndx is deployed.
 * Adding an agency is one entry in `agencies`; adding a registry is one entry in `registries` plus its
 * module in registries/. `npx cdk synth` and `npm start` both read this file.
 */
import { REGISTRY_TABLES } from './config/registry-tables.ts';
import { defineConfig } from './config/schema.ts';

/**
 * prod's traffic assumption, in % of all lookups per agency and contract: identity checks dominate (as
 * Vietnam's 935 million identity checks by May 2023 did), led by the public service centres; land and tax
 * offices read parcels, enterprises and identities; Social Insurance verifies employers; banks read with
 * their customers' consent. At prod's 2,500/s peak, 1% is 25 lookups/s. Each contract's 1.1.0 rate limit
 * (per agency per minute) is its busiest consumer's rate at the peak over prod's target utilisation (0.65),
 * rounded up to a thousand a minute: e.g. land.parcel's 14,000 a minute (233/s) for hanoi-land-office's
 * 6% (150/s); identity-verification's 96,000 (1,600/s, for hcmc-public-services' 30%, 750/s) also spreads
 * its count over four rate-limit items. test/unit/capacity-prod.test.ts checks that the shares below sum
 * from this table and that every pair fits its limit.
 */
export const PROD_TRAFFIC: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'hcmc-public-services': { 'population.identity-verification': 30, 'population.residence': 8, 'social-insurance.benefits': 2 },
  'hanoi-land-office': {
    'population.identity-verification': 8,
    'land.parcel': 6,
    'land.parcels-by-owner': 2,
    'business.enterprise-profile': 2,
    'social-insurance.participation': 1,
    'population.residence': 1,
  },
  'danang-tax-office': {
    'population.identity-verification': 8,
    'business.enterprise-profile': 5,
    'land.parcel': 3,
    'land.parcels-by-owner': 2,
    'business.enterprises-by-representative': 2,
  },
  'hanoi-social-insurance': { 'business.enterprise-profile': 8 },
  'demo-commercial-bank': {
    'business.enterprise-profile': 4,
    'land.parcels-by-owner': 3,
    'social-insurance.participation': 3,
    'business.enterprises-by-representative': 2,
  },
};

export default defineConfig({
  registries: [
    { id: 'population', title: 'National Population Database', operator: 'Ministry of Public Security', ...REGISTRY_TABLES.population },
    {
      id: 'land',
      title: 'National Land Database',
      operator: 'Ministry of Agriculture and Environment',
      ...REGISTRY_TABLES.land,
    },
    { id: 'social-insurance', title: 'Social Insurance Database', operator: 'Vietnam Social Security', ...REGISTRY_TABLES['social-insurance'] },
    {
      id: 'business',
      title: 'National Business Registration Database',
      operator: 'Ministry of Finance',
      ...REGISTRY_TABLES.business,
      // Or read from the registration portal's own system: source: { kind: 'http', url: 'https://...', timeoutMs: 2000, attempts: 3 },
    },
  ],
  agencies: [
    { id: 'hanoi-land-office', name: 'Hà Nội Land Registration Office' },
    { id: 'hcmc-public-services', name: 'Hồ Chí Minh City Public Administrative Service Centre' },
    { id: 'danang-tax-office', name: 'Đà Nẵng Tax Department' },
    { id: 'hanoi-social-insurance', name: 'Hà Nội Social Insurance (Vietnam Social Security)' },
    { id: 'demo-commercial-bank', name: 'Demo Joint Stock Commercial Bank (fictional)' },
    // Requests indicators (counts, never records) for the Government reporting information system.
    { id: 'government-office', name: 'Văn phòng Chính phủ — Government Office reporting system' },
  ],
  environments: {
    dev: { region: 'ap-southeast-1' },
    prod: {
      region: 'ap-southeast-1',
      production: true,
      logRetentionDays: 365,
      alarms: { email: ['ndx-oncall@ndx.gov.vn'] },
      // What prod must carry (README: Capacity; `npx ndx capacity --env prod`; `npm run model`): 20 million
      // lookups a day (231/s on average; Estonia's X-Road carries about 21 million requests a day, Vietnam's
      // NDXP about 1.6 million transactions a day in 2022 and the population database 935 million identity
      // checks by May 2023), the busiest hour at 10× the average (2,315/s), rounded up to a 2,500/s peak.
      // Shares are PROD_TRAFFIC's (above), summed per agency and per registry; the contracts' 1.1.0 rate
      // limits are sized from the same table: until a steward publishes them, agencies are held to 1.0.0's
      // (760/s in all), and afterwards an agency that pins "1.0.0" keeps 1.0.0's lower limit.
      capacity: {
        lookupsPerSecond: { sustained: 231, peak: 2500 },
        // Below the 70% the issue asks of every stage, so that random spread (the busiest of a stage's
        // executions or chain partitions runs a few points above their mean) keeps it there: `npm run model`.
        targetUtilisation: 0.65,
        // Service Quotas, AWS Lambda "Concurrent executions" (L-B99A9384) in ap-southeast-1: request 1,000
        // before the first deploy (a new account may start at 10). At this peak the mappings may run 279
        // executions at once and reserve them (Lambda keeps 100 unreserved); about 175 are busy.
        accountConcurrency: 1000,
        // A fixed reference, not this machine's measurement: function time per lookup from an earlier
        // benchmark (the schema's defaults); later runs measured less (router ~13 ms, adapter ~19 ms at 8 in
        // flight), so the concurrency derived from these is on the safe side.
        serviceTimes: { routerMs: 25, adapterMs: 45 },
        // Derived would be 17 (1,375 appends/s on population at 65% of 125 each); 32 keeps the busiest
        // partition, picked at random, well below 70%. More shards cost nothing but a longer verify walk.
        auditShards: 32,
        shares: {
          agencies: { 'hcmc-public-services': 40, 'hanoi-land-office': 20, 'danang-tax-office': 20, 'hanoi-social-insurance': 8, 'demo-commercial-bank': 12 },
          registries: { population: 55, land: 16, 'social-insurance': 6, business: 23 },
        },
      },
    },
  },
});
