/** business.enterprises-registered: enterprises registered in a month, by province of head office and VSIC section. */
import { CL_PROVINCE, CL_SECTOR } from '../indicators/codelists.ts';
import { defineIndicator } from '../indicators/define.ts';
import { REPORTING_TERMS } from '../indicators/terms.ts';

export const enterprisesRegistered = defineIndicator({
  id: 'business.enterprises-registered',
  title: 'Enterprises registered by province and sector',
  description: 'Enterprises (not branches) founded in the month, by province of head office and VSIC 2018 section of their main industry.',
  provider: 'business',
  stewards: ['steward@business.mof.gov.vn'],
  versions: [
    {
      version: '1.0.0',
      ...REPORTING_TERMS,
      indicator: {
        dimensions: [
          { id: 'PROVINCE', name: { en: 'Province of head office', vi: 'Tỉnh nơi đặt trụ sở chính' }, codeList: CL_PROVINCE },
          { id: 'SECTOR', name: { en: 'Sector of main industry', vi: 'Ngành kinh doanh chính' }, codeList: CL_SECTOR },
        ],
        period: { frequency: 'M', description: 'The month of the founding (registration) date.' },
        measure: { id: 'OBS_VALUE', name: { en: 'Enterprises registered', vi: 'Số doanh nghiệp đăng ký thành lập' }, unit: 'enterprises' },
        disclosure: { threshold: 3 },
      },
      changelog: 'First version.',
    },
  ],
});
