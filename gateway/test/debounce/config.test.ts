import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EpcErrors } from '../../../shared/src/epc/errors.js';
import { DebounceConfigSchema, PortalConfigSchema, ShelfConfigSchema } from '../../src/debounce/config.js';
import { DebounceErrors } from '../../src/debounce/errors.js';
import { BACKROOM, dockConfig } from './builders.js';

const docs = readFileSync(fileURLToPath(new URL('../../../docs/debounce.md', import.meta.url)), 'utf8');

describe('debounce configuration', () => {
  it('defaults to no portals and no shelves', () => {
    expect(DebounceConfigSchema.parse({})).toMatchObject({ tickIntervalMs: 200, portals: [], shelves: [], tagMap: {} });
  });

  it.each([
    ['unknown key', { portals: [], extra: 1 }, 'Unrecognized key'],
    [
      'antenna bound twice',
      {
        shelves: [
          { id: 'a', location: BACKROOM, antennas: [{ reader: 'r', antenna: 1 }] },
          { id: 'b', location: BACKROOM, antennas: [{ reader: 'r', antenna: 1 }] },
        ],
      },
      'shelves.1.antennas.0: reader r antenna 1 is already bound to a',
    ],
    [
      'unknown neighbour',
      {
        portals: [
          {
            id: 'd',
            inboundLocation: BACKROOM,
            outboundLocation: BACKROOM,
            antennas: [{ reader: 'r', antenna: 1, side: 'inside' }],
            neighbours: ['x'],
          },
        ],
      },
      'neighbour "x"',
    ],
    [
      'k above n',
      {
        shelves: [
          { id: 's', location: BACKROOM, antennas: [{ reader: 'r', antenna: 1 }], presentRounds: 4, windowRounds: 3 },
        ],
      },
      'presentRounds (4) cannot exceed windowRounds (3)',
    ],
    [
      'GPI port bound to two beams',
      {
        portals: [
          {
            id: 'd',
            inboundLocation: BACKROOM,
            outboundLocation: BACKROOM,
            antennas: [{ reader: 'r', antenna: 1, side: 'inside' }],
            beams: { outside: { reader: 'r', port: 1 }, inside: { reader: 'r', port: 1 } },
          },
        ],
      },
      'portals.0.beams.inside: reader r GPI 1 is already a beam of d outside',
    ],
    ['bad GTIN check digit', { tagMap: { E200: '80614141123459' } }, 'GTIN check digit is wrong'],
    ['lower-case tagMap prefix', { tagMap: { e200: '80614141123458' } }, 'upper-case hex'],
  ])('rejects %s', (_name, input, message) => {
    const result = DebounceConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n')).toContain(
      message,
    );
  });

  it('the builders config is valid', () => {
    expect(dockConfig().portals).toHaveLength(2);
  });

  it('docs/debounce.md documents every option and every error code', () => {
    const keys = [
      ...Object.keys(DebounceConfigSchema.innerType().shape),
      ...Object.keys(PortalConfigSchema.shape),
      ...Object.keys(ShelfConfigSchema.innerType().shape),
    ];
    for (const key of keys) expect(docs, `option ${key}`).toContain(`| \`${key}\``);
    for (const definition of [...Object.values(EpcErrors), ...Object.values(DebounceErrors)])
      expect(docs, definition.code).toContain(`\`${definition.code}\``);
  });
});
