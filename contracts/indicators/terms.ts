/** Terms every indicator version of ndx shares: who receives, why, and on what law. */
import { OFFICIAL_STATISTICS, STATISTICS_LAW } from './model.ts';

/** The Government Office's reporting information system (Decree 09/2019/ND-CP on the reporting regime of state administrative agencies). */
export const GOVERNMENT_OFFICE = 'government-office';

export const REPORTING_TERMS = {
  consumers: [GOVERNMENT_OFFICE],
  purposes: [OFFICIAL_STATISTICS],
  legalBases: [
    {
      id: 'statistics-law-government-reporting',
      ...STATISTICS_LAW,
      sectoral: 'Decree 09/2019/ND-CP on the reporting regime of state administrative agencies (the Government reporting information system)',
      consumers: [GOVERNMENT_OFFICE],
      purposes: [OFFICIAL_STATISTICS.code],
    },
  ],
  // Aggregates about no one: the consumer keeps them as official statistics.
  retentionDays: 365 * 20,
  rateLimit: { perAgencyPerMinute: 120 },
};
