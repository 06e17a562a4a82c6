/**
 * The trailer of a failed call that carries its ErrorDetail (binary protobuf; grpc-js `-bin`
 * keys are base64 on the wire): set by the API server (@acs/nbi), read by its clients (acsctl).
 */
export const ERROR_DETAIL_TRAILER = 'acs-error-bin';
