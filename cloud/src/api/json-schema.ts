import type { ZodTypeAny } from 'zod';

/**
 * JSON Schema (OpenAPI 3 flavour) of the zod schemas the API validates with, so
 * the published document cannot drift from the validation. Covers the subset of
 * zod the ledger schemas use; anything else becomes `{}` (any).
 */
export type JsonSchema = Record<string, unknown>;

interface ZodDefinition {
  typeName?: string;
  [key: string]: unknown;
}

export function toJsonSchema(schema: ZodTypeAny): JsonSchema {
  const definition = schema._def as ZodDefinition;
  const description = schema.description;
  const withDescription = (json: JsonSchema): JsonSchema => (description ? { ...json, description } : json);
  switch (definition.typeName) {
    case 'ZodString':
      return withDescription(stringSchema(definition));
    case 'ZodNumber':
      return withDescription({ type: 'number' });
    case 'ZodBoolean':
      return withDescription({ type: 'boolean' });
    case 'ZodLiteral':
      return withDescription({ type: typeof definition['value'], enum: [definition['value']] });
    case 'ZodEnum':
      return withDescription({ type: 'string', enum: definition['values'] as string[] });
    case 'ZodArray':
      return withDescription(arraySchema(definition));
    case 'ZodOptional':
    case 'ZodNullable':
      return toJsonSchema(definition['innerType'] as ZodTypeAny);
    case 'ZodDefault':
      return {
        ...toJsonSchema(definition['innerType'] as ZodTypeAny),
        default: (definition['defaultValue'] as () => unknown)(),
      };
    case 'ZodEffects':
      return toJsonSchema(definition['schema'] as ZodTypeAny);
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      return withDescription(unionSchema(definition, description));
    case 'ZodObject':
      return withDescription(objectSchema(definition));
    case 'ZodRecord':
      return withDescription({
        type: 'object',
        additionalProperties: toJsonSchema(definition['valueType'] as ZodTypeAny),
      });
    default:
      return withDescription({});
  }
}

function stringSchema(definition: ZodDefinition): JsonSchema {
  const checks = (definition['checks'] as { kind: string; value?: unknown; regex?: RegExp }[] | undefined) ?? [];
  const json: JsonSchema = { type: 'string' };
  for (const check of checks) {
    if (check.kind === 'min') json['minLength'] = check.value;
    if (check.kind === 'max') json['maxLength'] = check.value;
    if (check.kind === 'regex' && check.regex) json['pattern'] = check.regex.source;
  }
  return json;
}

function arraySchema(definition: ZodDefinition): JsonSchema {
  const json: JsonSchema = { type: 'array', items: toJsonSchema(definition['type'] as ZodTypeAny) };
  const min = definition['minLength'] as { value: number } | null;
  const max = definition['maxLength'] as { value: number } | null;
  if (min) json['minItems'] = min.value;
  if (max) json['maxItems'] = max.value;
  return json;
}

function unionSchema(definition: ZodDefinition, description: string | undefined): JsonSchema {
  const options = definition['options'] as ZodTypeAny[] | Map<unknown, ZodTypeAny>;
  const list = Array.isArray(options) ? options : [...options.values()];
  // A decimal field accepts a string or an integer: publish it as a decimal string.
  if (
    list.length === 2 &&
    list.every((option) =>
      ['ZodString', 'ZodNumber', 'ZodEffects'].includes((option._def as ZodDefinition).typeName ?? ''),
    )
  ) {
    return {
      type: 'string',
      pattern: '^-?\\d+(\\.\\d+)?$',
      description: description ?? 'decimal number as a string (integers also accepted as JSON numbers)',
    };
  }
  return { oneOf: list.map(toJsonSchema) };
}

function objectSchema(definition: ZodDefinition): JsonSchema {
  const shape = (definition['shape'] as () => Record<string, ZodTypeAny>)();
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, value] of Object.entries(shape)) {
    properties[key] = toJsonSchema(value);
    if (!value.isOptional()) required.push(key);
  }
  const json: JsonSchema = { type: 'object', properties };
  if (required.length > 0) json['required'] = required;
  if ((definition['unknownKeys'] as string | undefined) === 'strict') json['additionalProperties'] = false;
  return json;
}
