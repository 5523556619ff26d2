import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed, refusedInput } from '@tally/http';

/**
 * Strict validation of bodies, queries and path parameters: text that cannot be stored and keys
 * that the pipe would otherwise strip (`refusedInput`) are refused before anything else looks at
 * them, unknown fields are refused, and every failure is reported with its path
 * (`figures[0].value`).
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const refused = refusedInput(value);
      if (refused !== null) {
        throw ValidationFailed.at(refused.path || metadata.data || metadata.type, refused.message);
      }
    }
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(flatten(errors, '')),
  });
}

function flatten(errors: readonly ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(/^property \S+ /, 'property '),
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
