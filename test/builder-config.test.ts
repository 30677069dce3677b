import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

function loadBuilderConfig(): Record<string, unknown> {
  return load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own JSON schema", () => {
    // The schema electron-builder itself validates configurations with (draft-07).
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const config = loadBuilderConfig();
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it('names icons that exist and associates .csv files', () => {
    const config = loadBuilderConfig() as {
      linux: { icon: string };
      mac: { icon: string };
      win: { icon: string };
      fileAssociations: { ext: string }[];
    };
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(existsSync(join(root, config.linux.icon, `${size}x${size}.png`)), `${size}x${size}.png`).toBe(
        true,
      );
    }
    expect(existsSync(join(root, config.mac.icon))).toBe(true);
    expect(existsSync(join(root, config.win.icon))).toBe(true);
    expect(config.fileAssociations.map((association) => association.ext)).toEqual(['csv']);
  });
});
