export enum DataModelErrorCode {
  InvalidPath = 'InvalidPath',
  InvalidTable = 'InvalidTable',
}

export class DataModelError extends Error {
  override readonly name = 'DataModelError';
  constructor(
    readonly code: DataModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
