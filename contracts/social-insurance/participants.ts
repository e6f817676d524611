/** social-insurance.participants: people paying into social insurance, by province and scheme. */
import { CL_PROVINCE, CL_SCHEME } from '../indicators/codelists.ts';
import { defineIndicator } from '../indicators/define.ts';
import { REPORTING_TERMS } from '../indicators/terms.ts';

export const participants = defineIndicator({
  id: 'social-insurance.participants',
  title: 'Social insurance participants by province and scheme',
  description:
    'Participants whose contributions are being paid (status PARTICIPATING) at the end of the period, by the province of their social insurance code and by scheme.',
  provider: 'social-insurance',
  stewards: ['steward@vss.gov.vn'],
  versions: [
    {
      version: '1.0.0',
      ...REPORTING_TERMS,
      indicator: {
        dimensions: [
          { id: 'PROVINCE', name: { en: 'Province of the social insurance code', vi: 'Tỉnh cấp mã số bảo hiểm xã hội' }, codeList: CL_PROVINCE },
          { id: 'SCHEME', name: { en: 'Scheme', vi: 'Loại hình' }, codeList: CL_SCHEME },
        ],
        period: { frequency: 'M', description: 'The state of the register at the end of the month.' },
        measure: { id: 'OBS_VALUE', name: { en: 'Participants', vi: 'Số người tham gia' }, unit: 'persons' },
        disclosure: { threshold: 5 },
      },
      changelog: 'First version.',
    },
  ],
});
