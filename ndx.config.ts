/**
 * ndx's configuration: which registries and agencies exist, and where ndx is deployed.
 * Adding an agency is one entry in `agencies`; adding a registry is one entry in `registries` plus its
 * module in registries/. `npx cdk synth` and `npm start` both read this file.
 */
import { REGISTRY_TABLES } from './config/registry-tables.ts';
import { defineConfig } from './config/schema.ts';

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
      // What prod must carry (README: Capacity; `npx ndx capacity --env prod`): 20 million lookups a day on
      // average, and a peak the contracts' rate limits allow (they sum to 760/s over these agencies; a
      // national peak of 2,300/s needs them raised). Shares follow each agency's and registry's limits.
      capacity: {
        lookupsPerSecond: { sustained: 231, peak: 700 },
        accountConcurrency: 1000,
        shares: {
          agencies: {
            'hanoi-land-office': 250,
            'hcmc-public-services': 130,
            'danang-tax-office': 230,
            'hanoi-social-insurance': 50,
            'demo-commercial-bank': 100,
          },
          registries: { population: 320, land: 160, 'social-insurance': 60, business: 220 },
        },
      },
    },
  },
});
