/** land.parcels-by-land-use: registered land parcels by province and land use category. */
import { CL_LAND_USE, CL_PROVINCE } from '../indicators/codelists.ts';
import { defineIndicator } from '../indicators/define.ts';
import { REPORTING_TERMS } from '../indicators/terms.ts';

export const parcelsByLandUse = defineIndicator({
  id: 'land.parcels-by-land-use',
  title: 'Land parcels by province and land use',
  description: 'Registered land parcels by province and land use category at the end of the period.',
  provider: 'land',
  stewards: ['steward@land.mae.gov.vn'],
  versions: [
    {
      version: '1.0.0',
      ...REPORTING_TERMS,
      indicator: {
        dimensions: [
          { id: 'PROVINCE', name: { en: 'Province', vi: 'Tỉnh' }, codeList: CL_PROVINCE },
          { id: 'LAND_USE', name: { en: 'Land use category', vi: 'Loại đất' }, codeList: CL_LAND_USE },
        ],
        period: { frequency: 'M', description: 'The state of the register at the end of the month.' },
        measure: { id: 'OBS_VALUE', name: { en: 'Land parcels', vi: 'Số thửa đất' }, unit: 'parcels' },
        disclosure: { threshold: 3 },
      },
      changelog: 'First version.',
    },
  ],
});
