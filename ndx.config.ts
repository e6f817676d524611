/**
 * ndx's configuration: which registries and agencies exist, and where ndx is deployed.
 * Adding an agency is one entry in `agencies`; `npx cdk synth` and `npm start` both read this file.
 */
import { defineConfig } from './config/schema.ts';

export default defineConfig({
  registries: [
    { id: 'population', title: 'National Population Database', operator: 'Ministry of Public Security', key: { partition: 'nationalId' } },
  ],
  agencies: [
    { id: 'hanoi-land-office', name: 'Hà Nội Land Registration Office' },
    { id: 'hcmc-public-services', name: 'Hồ Chí Minh City Public Administrative Service Centre' },
    { id: 'danang-tax-office', name: 'Đà Nẵng Tax Department' },
  ],
  environments: {
    dev: { region: 'ap-southeast-1' },
    prod: { region: 'ap-southeast-1', production: true, logRetentionDays: 365, alarms: { email: ['ndx-oncall@ndx.gov.vn'] } },
  },
});
