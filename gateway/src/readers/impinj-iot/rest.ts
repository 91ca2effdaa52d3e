import { basicAuthorization } from '../../../../shared/src/basic-auth.js';
import { makeError } from '../../../../shared/src/errors.js';
import type { ImpinjIotReaderConfig } from '../config.js';
import { ReaderErrors } from '../errors.js';

/** Basic auth header for the reader's REST API, when a user is configured. */
export function impinjAuthHeaders(config: ImpinjIotReaderConfig): Record<string, string> {
  if (config.username === undefined) return {};
  return { authorization: basicAuthorization(config.username, config.password ?? '') };
}

/**
 * Starts or stops the configured inventory preset: `POST /api/v1/profiles/inventory/presets/{id}/start`
 * and `POST /api/v1/profiles/stop`. A refusal (4xx/5xx) is a coded error naming the status.
 */
export async function impinjPresetCommand(config: ImpinjIotReaderConfig, command: 'start' | 'stop'): Promise<void> {
  if (config.baseUrl === undefined || config.presetId === undefined) return;
  const path =
    command === 'start'
      ? `/api/v1/profiles/inventory/presets/${encodeURIComponent(config.presetId)}/start`
      : '/api/v1/profiles/stop';
  const response = await fetch(`${config.baseUrl}${path}`, {
    method: 'POST',
    headers: impinjAuthHeaders(config),
    signal: AbortSignal.timeout(config.requestTimeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    throw makeError(ReaderErrors.READER_STATUS, {
      readerId: config.id,
      command: `${command} preset ${config.presetId}`,
      status: response.status,
      meaning: response.statusText || 'see the reader REST API',
    });
  }
}
