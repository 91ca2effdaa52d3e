import {
  encodeCapabilitiesResponseBody,
  type ReaderCapabilities,
} from '../../../../gateway/src/readers/llrp/capabilities.js';
import { encodeMessage } from '../../../../gateway/src/readers/llrp/codec.js';
import { MessageType } from '../../../../gateway/src/readers/llrp/constants.js';

export function capabilitiesMessage(messageId: number, capabilities: ReaderCapabilities): Buffer {
  return encodeMessage(
    MessageType.GET_READER_CAPABILITIES_RESPONSE,
    messageId,
    encodeCapabilitiesResponseBody(capabilities),
  );
}
