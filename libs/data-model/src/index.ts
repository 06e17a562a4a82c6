// @acs/data-model — TR-181 / TR-098 schema facts derived from the BBF XML, and pure parameter
// path utilities.
export { DataModelError, DataModelErrorCode } from './data-model.error';
export {
  formatPath,
  instanceNumbers,
  instantiatePath,
  isObjectPath,
  isValidPath,
  parentPath,
  parsePath,
  toSchemaPath,
  type ParsedPath,
  type PathSegment,
} from './parameter-path';
export {
  DataModelSchema,
  decodeEntry,
  tr098Schema,
  tr181Schema,
  type ParameterType,
  type SchemaNode,
} from './data-model.table';
