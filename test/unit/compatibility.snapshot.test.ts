/**
 * The JSON Schemas published for the population contracts' responses, generated from zod. A change
 * here changes what agencies validate against: if it is intended, it needs a new contract version
 * (checked by contracts/compatibility.ts); if not, it is the zod pitfall of DESIGN §9 (an upgrade or
 * a refactor quietly changing the generated schema). Update with `npx vitest run -u` only on purpose.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../../contracts/compatibility.ts';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { residence } from '../../contracts/population/residence.ts';

describe('published response schemas', () => {
  it('population.identity-verification@1.0.0', () => {
    const response = identityVerification.versions[0]!.response;
    // A reply reads as it is written (no defaults or transforms), so agencies get one schema.
    expect(jsonSchemaOf(response, 'input')).toEqual(jsonSchemaOf(response, 'output'));
    expect(jsonSchemaOf(response, 'output')).toMatchInlineSnapshot(`
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "additionalProperties": false,
        "properties": {
          "dateOfBirth": {
            "format": "date",
            "pattern": "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$",
            "type": "string",
          },
          "fullName": {
            "type": "string",
          },
          "nationalId": {
            "description": "Personal identification number (số định danh cá nhân), 12 digits.",
            "pattern": "^\\d{12}$",
            "type": "string",
          },
          "status": {
            "enum": [
              "LIVING",
              "DECEASED",
            ],
            "type": "string",
          },
        },
        "required": [
          "nationalId",
          "fullName",
          "dateOfBirth",
          "status",
        ],
        "type": "object",
      }
    `);
  });

  it('population.residence@1.0.0', () => {
    const response = residence.versions[0]!.response;
    // A reply reads as it is written (no defaults or transforms), so agencies get one schema.
    expect(jsonSchemaOf(response, 'input')).toEqual(jsonSchemaOf(response, 'output'));
    expect(jsonSchemaOf(response, 'output')).toMatchInlineSnapshot(`
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "additionalProperties": false,
        "properties": {
          "nationalId": {
            "description": "Personal identification number (số định danh cá nhân), 12 digits.",
            "pattern": "^\\d{12}$",
            "type": "string",
          },
          "permanentResidence": {
            "additionalProperties": false,
            "properties": {
              "commune": {
                "description": "Commune or ward (since 1 July 2025: the lower of two local levels).",
                "type": "string",
              },
              "line": {
                "description": "House number, street, hamlet or residential group.",
                "type": "string",
              },
              "province": {
                "description": "Province or centrally run city.",
                "type": "string",
              },
            },
            "required": [
              "line",
              "commune",
              "province",
            ],
            "type": "object",
          },
          "temporaryResidence": {
            "anyOf": [
              {
                "additionalProperties": false,
                "properties": {
                  "commune": {
                    "description": "Commune or ward (since 1 July 2025: the lower of two local levels).",
                    "type": "string",
                  },
                  "line": {
                    "description": "House number, street, hamlet or residential group.",
                    "type": "string",
                  },
                  "province": {
                    "description": "Province or centrally run city.",
                    "type": "string",
                  },
                },
                "required": [
                  "line",
                  "commune",
                  "province",
                ],
                "type": "object",
              },
              {
                "type": "null",
              },
            ],
          },
        },
        "required": [
          "nationalId",
          "permanentResidence",
          "temporaryResidence",
        ],
        "type": "object",
      }
    `);
  });
});
