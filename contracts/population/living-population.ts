/** population.living-population: living residents by province of permanent residence, sex and five-year age band. */
import { CL_AGE, CL_PROVINCE, CL_SEX } from '../indicators/codelists.ts';
import { defineIndicator } from '../indicators/define.ts';
import { REPORTING_TERMS } from '../indicators/terms.ts';

export const livingPopulation = defineIndicator({
  id: 'population.living-population',
  title: 'Living population by province, sex and age',
  description: 'Living citizens by province of permanent residence, sex and five-year age band, at the end of the period.',
  provider: 'population',
  stewards: ['steward@population.mps.gov.vn'],
  versions: [
    {
      version: '1.0.0',
      ...REPORTING_TERMS,
      indicator: {
        dimensions: [
          { id: 'PROVINCE', name: { en: 'Province of permanent residence', vi: 'Tỉnh nơi thường trú' }, codeList: CL_PROVINCE },
          { id: 'SEX', name: { en: 'Sex', vi: 'Giới tính' }, codeList: CL_SEX },
          { id: 'AGE', name: { en: 'Age band', vi: 'Nhóm tuổi' }, codeList: CL_AGE },
        ],
        period: { frequency: 'M', description: 'The state of the register at the end of the month (age in completed years on its last day).' },
        measure: { id: 'OBS_VALUE', name: { en: 'Living persons', vi: 'Số người đang sống' }, unit: 'persons' },
        disclosure: { threshold: 5 },
      },
      changelog: 'First version.',
    },
  ],
});
