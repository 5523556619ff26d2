import { HttpException } from '@nestjs/common';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A 400 that lists each failing field by its path (`figures[0].value`). */
export class ValidationFailed extends HttpException {
  constructor(readonly errors: readonly FieldError[]) {
    super('request validation failed', 400);
  }

  static at(path: string, message: string): ValidationFailed {
    return new ValidationFailed([{ path, message }]);
  }
}
